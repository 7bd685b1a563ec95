/**
 * The bot's settings, read from the environment once at start. A missing token stops the bot with a
 * one-line message naming it; the tokens themselves never appear in messages or logs.
 */

import { JobsError } from '../jobs/index.ts';

export interface BotConfig {
  /** xoxb- token for the Web API. */
  readonly botToken: string;
  /** Verifies Slack's request signatures in HTTP mode; null in socket mode. */
  readonly signingSecret: string | null;
  /** xapp- token: when set the bot runs in Socket Mode and opens no port. */
  readonly appToken: string | null;
  /** Web API base URL override (enterprise proxies, local fakes); ends with '/'. */
  readonly apiUrl: string | null;
  readonly port: number;
  /** Channels where learner-level content may be posted. */
  readonly staffChannels: ReadonlySet<string>;
  /** Slack user ids allowed to retrain and change the digest. */
  readonly adminUsers: ReadonlySet<string>;
}

/** A JobsError (BAD_CONFIG), so the CLI prints it as one line and exits 2 like other config errors. */
export class BotConfigError extends JobsError {
  constructor(message: string) {
    super('BAD_CONFIG', message);
    this.name = 'BotConfigError';
  }
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | null {
  const raw = env[name]?.trim();
  return raw ? raw : null;
}

function idList(env: Env, name: string): ReadonlySet<string> {
  return new Set((text(env, name) ?? '').split(/[\s,]+/).filter(Boolean));
}

function port(env: Env): number {
  const raw = text(env, 'PORT');
  if (raw === null) return 3000;
  const n = Number(raw);
  // 0 asks the OS for a free port (tests).
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new BotConfigError(`PORT=${raw} is not a port number`);
  return n;
}

export function apiUrl(env: Env): string | null {
  const raw = text(env, 'SLACK_API_URL');
  if (raw === null) return null;
  try {
    new URL(raw);
  } catch {
    throw new BotConfigError(`SLACK_API_URL=${raw} is not a URL`);
  }
  // The Web API client appends method names to this base.
  return raw.endsWith('/') ? raw : `${raw}/`;
}

export function readBotConfig(env: Env = process.env): BotConfig {
  const botToken = text(env, 'SLACK_BOT_TOKEN');
  if (botToken === null)
    throw new BotConfigError('SLACK_BOT_TOKEN is not set: the bot needs its xoxb- token');
  const appToken = text(env, 'SLACK_APP_TOKEN');
  const signingSecret = text(env, 'SLACK_SIGNING_SECRET');
  if (appToken === null && signingSecret === null) {
    throw new BotConfigError(
      'SLACK_SIGNING_SECRET is not set: HTTP mode needs it to verify requests (or set SLACK_APP_TOKEN for Socket Mode)',
    );
  }
  return Object.freeze({
    botToken,
    signingSecret,
    appToken,
    apiUrl: apiUrl(env),
    port: port(env),
    staffChannels: idList(env, 'LUMEN_STAFF_CHANNELS'),
    adminUsers: idList(env, 'LUMEN_ADMIN_USERS'),
  });
}

/**
 * The digest names learners, so its channel must be one of LUMEN_STAFF_CHANNELS: checked when the
 * worker starts with a Slack token (the schedule) and when `lumen digest` posts.
 */
export function checkDigestChannel(channel: string, env: Env = process.env): void {
  const staff = idList(env, 'LUMEN_STAFF_CHANNELS');
  if (staff.has(channel)) return;
  const listed = staff.size ? [...staff].join(', ') : 'unset';
  throw new BotConfigError(
    `LUMEN_DIGEST_CHANNEL=${channel} is not one of LUMEN_STAFF_CHANNELS (${listed}): the digest names learners, so it goes to a staff channel only`,
  );
}

/** What may be logged about the configuration: modes and lists, never a secret. */
export function describeBotConfig(config: BotConfig): string {
  const mode = config.appToken ? 'Socket Mode' : `HTTP on port ${config.port} at /slack/events`;
  const api = config.apiUrl ? `, Web API at ${config.apiUrl}` : '';
  return `${mode}${api}; ${config.staffChannels.size} staff channel(s), ${config.adminUsers.size} admin(s)`;
}
