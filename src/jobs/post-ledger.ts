/**
 * What a publish job has already sent to Slack, so a retry (BullMQ's, or a stalled job recovered by
 * another worker) finishes the missing parts and never posts anything twice. The record lives in the
 * job's own progress, which BullMQ keeps across attempts: the parts sent ('message', then each file
 * by name) and the part being sent.
 *
 * The one window a record cannot close, a message that reached Slack whose worker died before
 * writing it down, is closed by the message's metadata (`lumen_post`, the job id): a retry that finds
 * a message "being sent" looks for it in the channel's history first. When the history cannot be read
 * (no history scope for that conversation), it posts again and says so in the job log.
 */

import type { KnownBlock } from '../slack/index.ts';
import type { JobContext, JobProgressReport, PublishJobName } from './contracts.ts';
import type { MessageMetadata, Publisher, UploadOptions } from './publisher.ts';

const MESSAGE_PART = 'message';

/** How far before the job's creation the history is searched (clock differences, nothing more). */
const HISTORY_MARGIN_MS = 10 * 60 * 1000;

function postMetadata(jobId: string): MessageMetadata {
  return { eventType: 'lumen_post', payload: { job: jobId } };
}

export class PostLedger {
  private sent: string[];
  private sending: string | null;
  private stageName: string;
  private percent: number;

  constructor(
    private readonly job: JobContext<PublishJobName>,
    private readonly publisher: Publisher,
    private readonly channel: string,
  ) {
    const last = job.lastProgress;
    this.sent = [...(last?.sent ?? [])];
    this.sending = last?.sending ?? null;
    this.stageName = last?.stage ?? 'starting';
    this.percent = last?.percent ?? 0;
  }

  has(part: string): boolean {
    return this.sent.includes(part);
  }

  private report(): JobProgressReport {
    return {
      stage: this.stageName,
      percent: this.percent,
      sent: this.sent,
      sending: this.sending,
    };
  }

  /** A stage for the requester's note; a failed report must not fail the post. */
  async stage(name: string, percent: number): Promise<void> {
    this.stageName = name;
    this.percent = percent;
    await Promise.resolve(this.job.updateProgress(this.report())).catch(() => {});
  }

  /** Writes the record; unlike a stage, a record that cannot be written stops the job (retry-safe). */
  private async record(): Promise<void> {
    await this.job.updateProgress(this.report());
  }

  /** Posts the job's message once, whatever happens to this attempt. */
  async message(blocks: KnownBlock[], text: string): Promise<void> {
    if (this.has(MESSAGE_PART)) return;
    const metadata = postMetadata(this.job.id);
    if (this.sending === MESSAGE_PART) {
      // The previous attempt was sending it when it stopped: did it arrive?
      const check = await this.publisher.findPosted(
        this.channel,
        metadata,
        this.job.timestamp - HISTORY_MARGIN_MS,
      );
      if ('found' in check && check.found) {
        await this.job.log('the message of an earlier attempt is in the channel: not posting it again');
        this.sent.push(MESSAGE_PART);
        this.sending = null;
        await this.record();
        return;
      }
      if ('unknown' in check)
        await this.job.log(
          `cannot tell whether the earlier attempt's message arrived (${check.unknown}): posting`,
        );
    }
    this.sending = MESSAGE_PART;
    await this.record();
    await this.publisher.postMessage(this.channel, blocks, text, { metadata });
    this.sent.push(MESSAGE_PART);
    this.sending = null;
    await this.record();
  }

  /** Uploads a file once. */
  async upload(name: string, bytes: () => Uint8Array, title: string, options: UploadOptions): Promise<void> {
    if (this.has(name)) return;
    await this.publisher.uploadFile(this.channel, name, bytes(), title, options);
    this.sent.push(name);
    await this.record();
  }
}
