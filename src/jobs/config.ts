/**
 * The job system's settings, read from the environment once into a frozen object (src/config.ts
 * holds the analytics settings; this holds only what the queue and the worker need).
 */
import { resolve } from 'node:path';
import { type AccessConfig, readAccessConfig } from './access-config.ts';
import { JobsError } from './jobs-error.ts';

export interface JobsConfig {
  /** redis:// or rediss:// URL of the Redis that holds the queues and the run history. */
  readonly redisUrl: string;
  /** Prefix of every Redis key the job system writes. */
  readonly queuePrefix: string;
  /** A job still running after this many milliseconds is failed and reported. */
  readonly jobTimeoutMs: number;
  /** Cron pattern of the weekly digest. */
  readonly digestCron: string;
  /** Slack channel id the weekly digest goes to (a staff channel); null: no digest is scheduled. */
  readonly digestChannel: string | null;
  /** Cron pattern of the scheduled refresh; null: no scheduled refresh. */
  readonly refreshCron: string | null;
  /** IANA time zone the cron patterns are read in. */
  readonly tz: string;
  /** Compute jobs (refresh, train, learner profile) one worker process runs at once. */
  readonly concurrency: number;
  /**
   * Publish jobs (Slack posts) one worker process runs at once: they wait on Slack, not the CPU, so a
   * slow or stuck call (cut at the Slack client's 30 s request timeout) never holds up the others.
   */
  readonly publishConcurrency: number;
  /** LMS export folder a refresh reads. */
  readonly dataDir: string;
  /** Output folder: runs go to OUT/runs/<runId>/, OUT/latest points at the last good one. */
  readonly outDir: string;
  /** The digest warns when the model was trained more than this many days before the digest. */
  readonly modelMaxAgeDays: number;
  /** Quiet weeks (no data newer than the previous digest): skip the digest instead of a one-line post. */
  readonly digestSkipEmpty: boolean;
  /** Who may see which learners, and each course's channels (LUMEN_STAFF_*, LUMEN_CONFIG). */
  readonly access: AccessConfig;
  /**
   * Secret of the email lookup key (HMAC-SHA256, lookup-key.ts); null: a random one kept in Redis
   * under the queue prefix. Never logged.
   */
  readonly lookupSecret: string | null;
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new JobsError('BAD_CONFIG', `${name}=${raw} is not a positive integer`);
  return n;
}

/** Five or six space-separated cron fields; BullMQ's cron parser does the full check at upsert. */
function cron(env: Env, name: string, fallback: string | null): string | null {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const fields = raw.split(/\s+/);
  if (fields.length < 5 || fields.length > 6) {
    throw new JobsError('BAD_CONFIG', `${name}=${raw} is not a cron pattern (5 or 6 fields)`);
  }
  return fields.join(' ');
}

function redisUrl(env: Env): string {
  const raw = text(env, 'REDIS_URL') ?? 'redis://127.0.0.1:6379';
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new JobsError('BAD_CONFIG', `REDIS_URL=${raw} is not a URL`, { cause });
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new JobsError('BAD_CONFIG', `REDIS_URL=${raw} must start with redis:// or rediss://`);
  }
  return raw;
}

function timeZone(env: Env): string {
  const tz = text(env, 'LUMEN_TZ') ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch (cause) {
    throw new JobsError('BAD_CONFIG', `LUMEN_TZ=${tz} is not a known IANA time zone`, { cause });
  }
  return tz;
}

function prefix(env: Env): string {
  const raw = text(env, 'LUMEN_QUEUE_PREFIX') ?? 'lumen';
  // ':' separates BullMQ's key parts and whitespace breaks SCAN patterns.
  if (!/^[A-Za-z0-9_.-]+$/.test(raw)) {
    throw new JobsError('BAD_CONFIG', `LUMEN_QUEUE_PREFIX=${raw} may only use letters, digits, _ . -`);
  }
  return raw;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new JobsError('BAD_CONFIG', `${name}=${raw} is not true or false`);
}

/** At least 16 characters: a short secret would be guessed along with the addresses. */
function lookupSecret(env: Env): string | null {
  const raw = text(env, 'LUMEN_LOOKUP_SECRET');
  if (raw === undefined) return null;
  if (raw.length < 16)
    throw new JobsError('BAD_CONFIG', 'LUMEN_LOOKUP_SECRET must be at least 16 characters');
  return raw;
}

export function readJobsConfig(env: Env = process.env): JobsConfig {
  return Object.freeze({
    redisUrl: redisUrl(env),
    queuePrefix: prefix(env),
    jobTimeoutMs: positiveInt(env, 'LUMEN_JOB_TIMEOUT', 1800) * 1000,
    digestCron: cron(env, 'LUMEN_DIGEST_CRON', '0 8 * * 1') as string,
    digestChannel: text(env, 'LUMEN_DIGEST_CHANNEL') ?? null,
    refreshCron: cron(env, 'LUMEN_REFRESH_CRON', null),
    tz: timeZone(env),
    concurrency: positiveInt(env, 'LUMEN_WORKER_CONCURRENCY', 1),
    publishConcurrency: positiveInt(env, 'LUMEN_PUBLISH_CONCURRENCY', 4),
    dataDir: resolve(text(env, 'LUMEN_DATA_DIR') ?? 'data'),
    outDir: resolve(text(env, 'LUMEN_OUT_DIR') ?? 'out'),
    modelMaxAgeDays: positiveInt(env, 'LUMEN_MODEL_MAX_AGE_DAYS', 30),
    digestSkipEmpty: flag(env, 'LUMEN_DIGEST_SKIP_EMPTY', false),
    access: readAccessConfig(env),
    lookupSecret: lookupSecret(env),
  });
}
