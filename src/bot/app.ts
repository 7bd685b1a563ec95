/**
 * Builds the Bolt app: Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP on PORT at
 * /slack/events with request-signature verification, a guard against bodies Bolt cannot parse, and
 * GET /healthz and /readyz (http-receiver.ts). Listeners only acknowledge and enqueue; the
 * worker does the work and posts through the publisher.
 */
import type { AddressInfo } from 'node:net';
import { App, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { JobQueues, type JobsConfig, readJobsConfig } from '../jobs/index.ts';
import { type BotConfig, describeBotConfig, readBotConfig } from './config.ts';
import type { BotDeps, BotLog } from './deps.ts';
import { logError } from './error-id.ts';
import { guardedReceiver } from './http-receiver.ts';
import { JobWatcher } from './job-watcher.ts';
import { registerFeedbackActions } from './listeners/actions/feedback.ts';
import { registerCommands } from './listeners/commands/index.ts';
import { createSlackPublisher } from './publish.ts';
import { SlackUsergroupMembers } from './usergroups.ts';

/** How long `stop()` waits for background work started by listeners. */
const STOP_GRACE_MS = 5000;

export interface BuiltApp {
  readonly app: App;
  /** Socket Mode's receiver (its client holds the WebSocket); null in HTTP mode. */
  readonly socketMode: SocketModeReceiver | null;
}

/** The Web API options; a fresh object per client because the clients write into what they are given. */
function clientOptions(botConfig: BotConfig): { slackApiUrl?: string } {
  return botConfig.apiUrl ? { slackApiUrl: botConfig.apiUrl } : {};
}

/**
 * Socket Mode's receiver, built here rather than by Bolt: its client calls apps.connections.open
 * (with the xapp- token) at SLACK_API_URL, and gets its own copy of the options, because it writes a
 * 100-retry policy (meant for that call, to reconnect) into them, which through Bolt's shared object
 * reached the listeners' Web API client too (a feedback click's chat.update).
 */
function socketModeReceiver(botConfig: BotConfig, appToken: string): SocketModeReceiver {
  return new SocketModeReceiver({
    appToken,
    logLevel: LogLevel.WARN,
    installerOptions: { clientOptions: clientOptions(botConfig) },
  });
}

export function buildApp(deps: BotDeps): BuiltApp {
  const { botConfig } = deps;
  const common = {
    token: botConfig.botToken,
    logLevel: LogLevel.WARN,
    clientOptions: clientOptions(botConfig),
  };
  const socketMode = botConfig.appToken ? socketModeReceiver(botConfig, botConfig.appToken) : null;
  const app = socketMode
    ? new App({ ...common, receiver: socketMode, socketMode: true })
    : new App({
        ...common,
        receiver: guardedReceiver({
          signingSecret: botConfig.signingSecret ?? '',
          port: botConfig.port,
          log: deps.log,
          ready: () => deps.queues.reachable(),
        }),
      });
  registerCommands(app, deps);
  registerFeedbackActions(app, deps);
  app.error(async (error) => {
    logError(deps.log, 'slack app error', error);
  });
  return { app, socketMode };
}

/**
 * Stops receiving. In Socket Mode Bolt's stop() returns as soon as the client has sent its close
 * frame; this waits until the WebSocket has closed (the client gives Slack 30 s to answer).
 */
async function stopReceiving(app: App, socketMode: SocketModeReceiver | null): Promise<void> {
  if (!socketMode) {
    await app.stop();
    return;
  }
  // The socket-mode client's State.Disconnected, emitted once the socket is closed and cleaned up.
  const closed = new Promise<void>((resolve) => socketMode.client.once('disconnected', () => resolve()));
  await app.stop();
  await closed;
}

export interface StartBotOptions {
  readonly botConfig?: BotConfig;
  readonly jobsConfig?: JobsConfig;
  readonly log?: BotLog;
}

export interface RunningBot {
  readonly app: App;
  /** The HTTP port listened on; null in Socket Mode. */
  readonly port: number | null;
  readonly deps: BotDeps;
  /** Stops receiving, lets started background work finish, closes the queues. */
  stop(): Promise<void>;
}

/** `lumen bot`: reads and checks the config once, opens the queues (failing fast), starts the app. */
export async function startBot(options: StartBotOptions = {}): Promise<RunningBot> {
  const botConfig = options.botConfig ?? readBotConfig();
  const jobsConfig = options.jobsConfig ?? readJobsConfig();
  const log = options.log ?? ((line: string) => console.error(line));
  const queues = await JobQueues.open(jobsConfig);
  const stopping = new AbortController();
  let watcher: JobWatcher | null = null;
  try {
    watcher = await JobWatcher.open(queues);
    const publisher = createSlackPublisher(botConfig);
    const deps: BotDeps = {
      botConfig,
      jobsConfig,
      queues,
      publisher,
      watcher,
      usergroups: new SlackUsergroupMembers(publisher.client, log),
      stopping: stopping.signal,
      log,
      background: new Set(),
    };
    const { app, socketMode } = buildApp(deps);
    const started: unknown = botConfig.appToken ? await app.start() : await app.start(botConfig.port);
    const address = botConfig.appToken
      ? null
      : (started as { address(): AddressInfo | string | null }).address();
    const port = address && typeof address === 'object' ? address.port : null;
    log(
      `lumen bot running: ${describeBotConfig(port === null ? botConfig : { ...botConfig, port }, jobsConfig.access)}`,
    );
    return {
      app,
      port,
      deps,
      async stop() {
        stopping.abort();
        await stopReceiving(app, socketMode);
        // Background watches end with their jobs; a stopping bot gives them a few seconds, not minutes.
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, STOP_GRACE_MS);
        });
        await Promise.race([Promise.allSettled([...deps.background]), grace]);
        clearTimeout(timer);
        await deps.watcher.close();
        await queues.close();
      },
    };
  } catch (error) {
    await watcher?.close();
    await queues.close();
    throw error;
  }
}
