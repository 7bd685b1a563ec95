/**
 * Test kit for the job system against the real Redis: a unique key prefix per test, cleanup of
 * exactly that prefix's keys (SCAN + DEL, never FLUSH*), and settings pointing at temp folders.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { type Config, readConfig } from '../../src/config.ts';
import { type JobsConfig, readJobsConfig } from '../../src/jobs/config.ts';
import {
  carriesMetadata,
  type MessageMetadata,
  type PostedCheck,
  type PostOptions,
  type Publisher,
  type UploadOptions,
} from '../../src/jobs/publisher.ts';
import type { KnownBlock } from '../../src/slack/index.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Every test file that talks to Redis imports this kit, so this check runs first: without a Redis the
 * file fails at once with one line instead of each test waiting for ioredis to give up.
 */
async function requireRedis(url: string, timeoutMs = 2000): Promise<void> {
  const { hostname, port } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const reason = await new Promise<string | null>((resolve) => {
    const socket = connect({ host, port: Number(port || 6379), timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(`no answer in ${timeoutMs} ms`);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
  if (reason !== null) {
    throw new Error(
      `Redis is not reachable at ${url} (${reason}): these tests need a real Redis; start one (redis-server --daemonize yes) or run .ci/run, which does`,
    );
  }
}
await requireRedis(REDIS_URL);

export function uniquePrefix(label: string): string {
  return `lumen-test-${label}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

export async function deleteKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

export function testConfig(): Config {
  return readConfig({ LUMEN_DUCKDB_THREADS: '1', LUMEN_DUCKDB_MEMORY: '1GB' });
}

export function testJobsConfig(
  prefix: string,
  paths: { dataDir: string; outDir: string },
  extra: Record<string, string> = {},
): JobsConfig {
  return readJobsConfig({
    REDIS_URL,
    LUMEN_QUEUE_PREFIX: prefix,
    LUMEN_DATA_DIR: paths.dataDir,
    LUMEN_OUT_DIR: paths.outDir,
    LUMEN_JOB_TIMEOUT: '120',
    ...extra,
  });
}

export interface PostedMessage {
  readonly channel: string;
  readonly blocks: KnownBlock[];
  readonly text: string;
  readonly metadata?: MessageMetadata;
  readonly at: number;
  /** Slack's message timestamp: distinct and increasing, like Slack's. */
  readonly ts: string;
}

export interface UploadedFile {
  readonly channel: string;
  readonly filename: string;
  readonly bytes: number;
  /** What was uploaded, as text (CSV files are read back by the tests). */
  readonly content: string;
  readonly title: string;
  readonly altText: string;
  /** The message whose thread the file went into; null: straight into the channel. */
  readonly threadTs: string | null;
}

/**
 * In-memory Publisher; `failures` makes the next N calls throw like a Slack 503; `lostResponses`
 * makes the next N messages go out but their calls throw (Slack posted, the response was lost);
 * `historyReadable = false` answers findPosted with unknown (no history scope).
 */
export class FakePublisher implements Publisher {
  readonly messages: PostedMessage[] = [];
  readonly files: UploadedFile[] = [];
  calls = 0;

  /** Calls still to fail. */
  failures = 0;
  lostResponses = 0;
  /** Uploads still to fail (after the other calls succeeded). */
  uploadFailures = 0;
  historyReadable = true;

  private maybeFail(): void {
    this.calls += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('slack_webapi_platform_error: 503 service unavailable');
    }
  }

  async postMessage(
    channel: string,
    blocks: KnownBlock[],
    text: string,
    options: PostOptions = {},
  ): Promise<{ ts: string }> {
    this.maybeFail();
    const ts = `${Math.floor(Date.now() / 1000)}.${String(this.messages.length + 1).padStart(6, '0')}`;
    this.messages.push({
      channel,
      blocks,
      text,
      at: Date.now(),
      ts,
      ...(options.metadata ? { metadata: options.metadata } : {}),
    });
    if (this.lostResponses > 0) {
      this.lostResponses -= 1;
      throw new Error('slack_webapi_request_error: socket hang up');
    }
    return { ts };
  }

  async findPosted(channel: string, metadata: MessageMetadata, sinceMs: number): Promise<PostedCheck> {
    if (!this.historyReadable) return { unknown: 'conversations.history failed: missing_scope' };
    const found = this.messages.find(
      (m) => m.channel === channel && m.at >= sinceMs && carriesMetadata(m.metadata, metadata),
    );
    return found ? { found: true, ts: found.ts } : { found: false };
  }

  async uploadFile(
    channel: string,
    filename: string,
    bytes: Uint8Array,
    title: string,
    options: UploadOptions,
  ): Promise<void> {
    this.maybeFail();
    if (this.uploadFailures > 0) {
      this.uploadFailures -= 1;
      throw new Error('slack_webapi_platform_error: 503 service unavailable');
    }
    this.files.push({
      channel,
      filename,
      bytes: bytes.byteLength,
      content: Buffer.from(bytes).toString('utf8'),
      title,
      altText: options.altText,
      threadTs: options.threadTs ?? null,
    });
  }

  async openDm(userId: string): Promise<string> {
    this.maybeFail();
    return `D-${userId}`;
  }
}

export const quietLog = (): void => {};
