/**
 * Exactly one digest per ISO week per channel, as one message with its charts and CSV in its
 * thread, with an idempotency record in Redis under the key prefix:
 * `<prefix>:digest:once:<channel>:<week>` holds JSON { state, owner, stage, uploaded, ts, at }, and
 * the digest message itself carries Slack message metadata (`lumen_digest`, channel + week), so the
 * channel's history can say whether the message went out (and give its ts).
 *
 * - claim (Lua, atomic): no record -> `posting` owned by this job; `posted` -> skip, unless this same
 *   job's files are still missing (`files`: upload the rest into the thread); `failed` (a clean Slack
 *   error released it before the message) -> take over; a `posting` record of this same job (its
 *   worker died; BullMQ hands a job to one worker at a time) -> take over: in the `claimed` stage at
 *   once, in the `sending` stage only after looking for the message in the channel's history
 *   (`verify`): found -> record it as posted, not found -> post it; any `posting` record of another
 *   job -> skip.
 * - the message goes first; right after it, one Lua call marks the week `posted` (stage `files`, the
 *   message's ts) and stores the digest's at-risk ids as the channel's baseline
 *   (`<prefix>:digest:last:<channel>`), atomically. Then the files go into the message's thread,
 *   recorded one by one, and the stage becomes `done`. A postMessage that throws is checked against
 *   the history the same way before the week is released for a retry.
 *
 * The remaining window needs the history to be unreadable (the app lacks channels:history /
 * groups:history, or is not in the channel): then a `sending` record is skipped (at most once; a
 * lost week is re-posted with `force`) and a postMessage that threw is released (a message whose
 * response was lost would be posted again).
 */
import type { Redis } from 'ioredis';

/** Records outlive the week comfortably; they hold ids and states only. */
export const ONCE_TTL_SECONDS = 60 * 24 * 60 * 60;

export type OnceState = 'posting' | 'posted' | 'failed';
/** claimed: nothing sent yet; sending: the message may be out; files: it is, its files go next. */
export type OnceStage = 'claimed' | 'sending' | 'files' | 'done';

export interface OnceRecord {
  readonly state: OnceState;
  readonly owner: string;
  readonly stage: OnceStage;
  /** Comma-separated names of the files already uploaded into the message's thread. */
  readonly uploaded: string;
  /** The posted message's ts (its thread), once known. */
  readonly ts?: string | null;
  readonly at: string;
}

/** What the channel's last digest was: the baseline of the next one (ids only, no names). */
export interface LastDigest {
  readonly week: string;
  readonly asOf: string;
  /** Enrolment keys at risk (enrolmentKey; learner ids in records written before the enrolment grain). */
  readonly atRisk: string[];
  readonly postedAt: string;
  readonly runDir: string;
}

export function onceKey(prefix: string, channel: string, week: string): string {
  return `${prefix}:digest:once:${channel}:${week}`;
}

export function lastDigestKey(prefix: string, channel: string): string {
  return `${prefix}:digest:last:${channel}`;
}

// 'uploading' is the first stage of records written before the message went first.
const CLAIM = `
local v = redis.call('GET', KEYS[1])
if v then
  local r = cjson.decode(v)
  if r.state == 'posted' then
    if r.stage == 'files' and r.owner == ARGV[3] then return {'files', v} end
    return {'posted', v}
  end
  if r.state == 'posting' and r.owner == ARGV[3] and r.stage == 'sending' then return {'verify', v} end
  if r.state == 'failed' or (r.owner == ARGV[3] and (r.stage == 'claimed' or r.stage == 'uploading')) then
    r.state = 'posting'; r.owner = ARGV[3]; r.stage = 'claimed'; r.uploaded = ''; r.at = ARGV[4]
    local out = cjson.encode(r)
    redis.call('SET', KEYS[1], out, 'KEEPTTL')
    return {'claimed', out}
  end
  return {'busy', v}
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return {'claimed', ARGV[1]}
`;

/** Writes ARGV[2] when the record is still owned by ARGV[1]; with ARGV[3], also KEYS[2] = ARGV[3]. */
const UPDATE = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local r = cjson.decode(v)
if r.owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
if ARGV[3] ~= '' then redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[4]) end
return 1
`;

/**
 * claimed: post the digest; verify: this job was sending when its worker died, so look for the
 * message in the channel before posting; files: this job's message is out, upload the files it
 * lacks into its thread; posted / busy: do nothing.
 */
export type ClaimResult =
  | { readonly status: 'claimed' | 'verify' | 'files'; readonly record: OnceRecord }
  | { readonly status: 'posted' | 'busy'; readonly record: OnceRecord };

/** The Slack message metadata that marks a channel's digest for a week. */
export function digestMetadata(
  channel: string,
  week: string,
): { eventType: string; payload: Record<string, string> } {
  return { eventType: 'lumen_digest', payload: { channel, week } };
}

/**
 * How far before the `sending` mark the history is searched. The metadata names the week, so a
 * match is this week's digest whenever it was sent; the bound only keeps the search short, and at
 * eight days it is immune to any clock difference between the worker and Slack.
 */
export const HISTORY_MARGIN_MS = 8 * 24 * 60 * 60 * 1000;

export class DigestOnce {
  private record: OnceRecord;

  private constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly lastKey: string,
    record: OnceRecord,
  ) {
    this.record = record;
  }

  /** Claims the week for `owner` (the job id), or says why not; `force` takes it unconditionally. */
  static async claim(
    redis: Redis,
    keys: { key: string; lastKey: string },
    owner: string,
    force = false,
  ): Promise<{ claim: ClaimResult; once: DigestOnce | null }> {
    const fresh: OnceRecord = {
      state: 'posting',
      owner,
      stage: 'claimed',
      uploaded: '',
      ts: null,
      at: new Date().toISOString(),
    };
    if (force) {
      await redis.set(keys.key, JSON.stringify(fresh), 'EX', ONCE_TTL_SECONDS);
      return {
        claim: { status: 'claimed', record: fresh },
        once: new DigestOnce(redis, keys.key, keys.lastKey, fresh),
      };
    }
    const [status, raw] = (await redis.eval(
      CLAIM,
      1,
      keys.key,
      JSON.stringify(fresh),
      String(ONCE_TTL_SECONDS),
      owner,
      fresh.at,
    )) as [string, string];
    const record = JSON.parse(raw) as OnceRecord;
    if (status === 'claimed' || status === 'verify' || status === 'files')
      return { claim: { status, record }, once: new DigestOnce(redis, keys.key, keys.lastKey, record) };
    return { claim: { status: status === 'posted' ? 'posted' : 'busy', record }, once: null };
  }

  /** True from `markSending` on: the message may have reached Slack. */
  get sending(): boolean {
    return this.record.stage === 'sending';
  }

  /** When the message was (about to be) sent: where a search of the channel's history starts. */
  sendingSince(): number {
    return Date.parse(this.record.at) - HISTORY_MARGIN_MS;
  }

  uploaded(name: string): boolean {
    return this.record.uploaded.split(',').includes(name);
  }

  /** The posted message's ts: where the files go. */
  get messageTs(): string | null {
    return this.record.ts ?? null;
  }

  private async write(next: OnceRecord, last: LastDigest | null = null): Promise<void> {
    const done = (await this.redis.eval(
      UPDATE,
      2,
      this.key,
      this.lastKey,
      this.record.owner,
      JSON.stringify(next),
      last ? JSON.stringify(last) : '',
      String(ONCE_TTL_SECONDS),
    )) as number;
    if (done !== 1) throw new Error(`the digest record ${this.key} was taken over by another run`);
    this.record = next;
  }

  async markUploaded(name: string): Promise<void> {
    const uploaded = [...this.record.uploaded.split(',').filter(Boolean), name].join(',');
    await this.write({ ...this.record, uploaded });
  }

  /** Written just before the message: from here on a retry cannot tell whether it went out. */
  async markSending(): Promise<void> {
    await this.write({ ...this.record, stage: 'sending', at: new Date().toISOString() });
  }

  /** The message is out (ts: its thread): the week is posted and `last` the channel's baseline. */
  async markPosted(last: LastDigest | null, ts: string | null): Promise<void> {
    await this.write(
      { ...this.record, state: 'posted', stage: 'files', ts, at: new Date().toISOString() },
      last,
    );
  }

  /** Every file is in the message's thread. */
  async markDone(): Promise<void> {
    await this.write({ ...this.record, stage: 'done', at: new Date().toISOString() });
  }

  /** A clean failure before the message (Slack said no): the retry may take the week over. */
  async release(): Promise<void> {
    await this.write({ ...this.record, state: 'failed', stage: 'claimed', at: new Date().toISOString() });
  }
}

export async function readLastDigest(
  redis: Redis,
  prefix: string,
  channel: string,
): Promise<LastDigest | null> {
  const raw = await redis.get(lastDigestKey(prefix, channel));
  return raw ? (JSON.parse(raw) as LastDigest) : null;
}
