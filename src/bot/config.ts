/**
 * The bot's settings, read from the environment once at start. A missing token stops the bot with a
 * one-line message naming it; the tokens themselves never appear in messages or logs.
 */

import { type AccessConfig, JobsError, type LearnerScope } from '../jobs/index.ts';

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
    adminUsers: idList(env, 'LUMEN_ADMIN_USERS'),
  });
}

/**
 * The digest names learners, so it goes to a staff channel only: a programme channel
 * (LUMEN_STAFF_CHANNELS) gets the programme digest (scope null), a course channel (LUMEN_CONFIG)
 * that course's. Checked when the worker starts with a Slack token (the schedule) and when
 * `lumen digest` posts.
 */
export function digestScopeOf(channel: string, access: AccessConfig): LearnerScope {
  if (access.programme.channels.has(channel)) return null;
  const course = access.courseOfChannel.get(channel);
  if (course !== undefined) return [course];
  const staff = access.programme.channels;
  const listed = staff.size ? [...staff].join(', ') : 'unset';
  throw new BotConfigError(
    `LUMEN_DIGEST_CHANNEL=${channel} is not one of LUMEN_STAFF_CHANNELS (${listed}) nor a course channel of LUMEN_CONFIG: the digest names learners, so it goes to a staff channel only`,
  );
}

/** What may be logged about the configuration: modes and lists, never a secret. */
export function describeBotConfig(config: BotConfig, access: AccessConfig): string {
  const mode = config.appToken ? 'Socket Mode' : `HTTP on port ${config.port} at /slack/events`;
  const api = config.apiUrl ? `, Web API at ${config.apiUrl}` : '';
  const { programme, courses } = access;
  const staff = `${programme.users.size} staff user(s), ${programme.usergroups.size} staff group(s), ${programme.channels.size} staff channel(s)`;
  const perCourse = courses.size
    ? `, ${courses.size} course(s) with their own staff (${access.configPath})`
    : '';
  return `${mode}${api}; ${staff}${perCourse}, ${config.adminUsers.size} admin(s)`;
}
