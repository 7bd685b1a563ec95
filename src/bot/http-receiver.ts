/**
 * The HTTP receiver: Bolt's, with a guard in front of /slack/events and the health routes.
 *
 * Bolt parses an interactivity body `payload=<json>` with JSON.parse and then reads fields of the
 * result outside any try: `payload=null` (or a JSON body `null`) threw a TypeError in a detached
 * promise and ended the process. The guard reads the body first (with Bolt's size limit), and a body
 * Bolt could not handle (not a JSON object, a field sent twice) is answered here: 401 when unsigned,
 * 400 and one log line with an error id when correctly signed. Everything else goes on to Bolt,
 * which reuses the already-read body and verifies the signature as before.
 *
 * GET /healthz answers 200 while the process serves; GET /readyz answers 200 when Redis answers a
 * PING, 503 when it does not (the bot then cannot queue anything).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import {
  HTTPModuleFunctions,
  HTTPReceiver,
  isRawBodyError,
  isValidSlackRequest,
  LogLevel,
} from '@slack/bolt';
import type { BotLog } from './deps.ts';
import { logError, reasonOf } from './error-id.ts';

/** Slack's own payloads stay far below this; Bolt's default is 4 MB. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
export const EVENTS_PATH = '/slack/events';

export interface GuardedReceiverOptions {
  readonly signingSecret: string;
  readonly port: number;
  readonly log: BotLog;
  /** True when the bot can do its work (Redis answers); must not throw. */
  readonly ready: () => Promise<boolean>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What Bolt would choke on in this body, or null when Bolt may have it. */
export function malformedBody(contentType: string | undefined, raw: string): string | null {
  if (contentType === 'application/x-www-form-urlencoded') {
    const fields = parseQuery(raw);
    for (const [name, value] of Object.entries(fields)) {
      if (Array.isArray(value)) return `field ${name.slice(0, 40)} sent more than once`;
    }
    const { payload } = fields;
    if (typeof payload !== 'string') return null;
    try {
      const parsed: unknown = JSON.parse(payload);
      return isPlainObject(parsed)
        ? null
        : `payload is ${parsed === null ? 'null' : typeof parsed}, not an object`;
    } catch {
      return 'payload is not JSON';
    }
  }
  try {
    const parsed: unknown = JSON.parse(raw);
    return isPlainObject(parsed)
      ? null
      : `body is ${parsed === null ? 'null' : typeof parsed}, not an object`;
  } catch {
    return 'body is not JSON';
  }
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return typeof value === 'string' ? value : '';
}

function isSigned(req: IncomingMessage, signingSecret: string, raw: string): boolean {
  try {
    return isValidSlackRequest({
      signingSecret,
      body: raw,
      headers: {
        'x-slack-signature': header(req, 'x-slack-signature'),
        'x-slack-request-timestamp': Number(header(req, 'x-slack-request-timestamp')),
      },
    });
  } catch {
    return false;
  }
}

function answer(res: ServerResponse, status: number, body?: object): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function guardedReceiver(options: GuardedReceiverOptions): HTTPReceiver {
  const { signingSecret, log } = options;
  const receiver = new HTTPReceiver({
    signingSecret,
    port: options.port,
    logLevel: LogLevel.WARN,
    bodyLimit: BODY_LIMIT_BYTES,
    customRoutes: [
      {
        path: '/healthz',
        method: ['GET'],
        handler: (_req, res) => answer(res, 200, { ok: true }),
      },
      {
        path: '/readyz',
        method: ['GET'],
        handler: (_req, res) => {
          options.ready().then(
            (ready) => answer(res, ready ? 200 : 503, { ready, redis: ready ? 'reachable' : 'unreachable' }),
            () => answer(res, 503, { ready: false, redis: 'unreachable' }),
          );
        },
      },
    ],
    // A listener or middleware that threw: logged with an id; Slack gets a bare 500.
    processEventErrorHandler: async ({ error, response }) => {
      logError(log, 'a Slack request failed in the app', error);
      answer(response, 500);
      return false;
    },
  });
  const bolt = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== EVENTS_PATH || req.method?.toUpperCase() !== 'POST') {
      bolt(req, res);
      return;
    }
    screen(req, res).catch((error: unknown) => {
      logError(log, `a request to ${EVENTS_PATH} failed before Bolt`, error);
      answer(res, 500);
    });
  };

  async function screen(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let buffered: Awaited<ReturnType<typeof HTTPModuleFunctions.bufferIncomingMessage>>;
    try {
      buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, BODY_LIMIT_BYTES);
    } catch (error) {
      const tooLarge = isRawBodyError(error) && (error as { statusCode?: number }).statusCode === 413;
      log(`rejected a request to ${EVENTS_PATH}: ${tooLarge ? 'body over the size limit' : reasonOf(error)}`);
      answer(res, tooLarge ? 413 : 400);
      // Stop reading the rest of a huge body.
      req.resume();
      return;
    }
    const raw = buffered.rawBody.toString('utf8');
    const problem = malformedBody(header(req, 'content-type'), raw);
    if (problem !== null) {
      if (!isSigned(req, signingSecret, raw)) {
        answer(res, 401);
        return;
      }
      logError(log, `rejected a signed request to ${EVENTS_PATH}`, problem);
      answer(res, 400);
      return;
    }
    bolt(buffered, res);
  }

  return receiver;
}
