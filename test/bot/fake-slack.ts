/**
 * A fake Slack Web API on 127.0.0.1 for tests: records every call and answers the methods the bot
 * and the worker use, including the three-step file upload and response_url posts. It can answer
 * the next call of a method with 429 + Retry-After or with 500.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  /** Web API method (chat.postMessage), 'upload' for the bytes, or 'response' for response_url posts. */
  readonly method: string;
  readonly params: Record<string, unknown>;
  /** Size and raw body of an upload (the client may wrap the file in a multipart form). */
  readonly bytes: number;
  readonly body: Buffer | null;
  readonly at: number;
}

export interface FakeSlack {
  /** The Web API base, for SLACK_API_URL. */
  readonly apiUrl: string;
  /** Base URL for response_url values. */
  readonly responseUrl: (id: string) => string;
  readonly calls: RecordedCall[];
  callsTo(method: string): RecordedCall[];
  /** The posts to the response_url made with responseUrl(responseId), in order. */
  responsesTo(responseId: string): RecordedCall[];
  /** The next call to `method` gets this HTTP status (429 comes with Retry-After: 1). */
  failNext(method: string, status: 429 | 500): void;
  /** Socket Mode: the WebSocket URL that apps.connections.open hands out (until set it fails). */
  setSocketModeUrl(url: string): void;
  /**
   * The next call to `method` is recorded (Slack got it) but not answered until releaseHeld(): the
   * caller can be killed between Slack accepting a post and the caller hearing back.
   */
  holdNext(method: string): void;
  releaseHeld(): void;
  /** conversations.history answers with this Slack error (e.g. missing_scope); null: normally. */
  setHistoryError(error: string | null): void;
  /** usergroups.users.list answers these members for `usergroup` (others: no_such_subteam). */
  setUsergroup(usergroup: string, users: readonly string[]): void;
  /** Resolves when `predicate` holds for some recorded call, or rejects after `timeoutMs`. */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  close(): Promise<void>;
}

/** A call's parameters as one string, for looking for text anywhere in them. */
export function textOf(call: RecordedCall): string {
  return JSON.stringify(call.params);
}

/** The file part of an upload: the raw body, or the first part of a multipart form. */
function uploadedBytes(body: Buffer): Buffer {
  if (!body.subarray(0, 2).equals(Buffer.from('--'))) return body;
  const boundary = body.subarray(0, body.indexOf('\r\n'));
  const start = body.indexOf('\r\n\r\n') + 4;
  const end = body.indexOf(Buffer.concat([Buffer.from('\r\n'), boundary]), start);
  return body.subarray(start, end < 0 ? body.length : end);
}

/**
 * The bytes of the file whose title matches `title` in a files.completeUploadExternal call
 * (`complete`), as uploaded; an empty buffer when there is none.
 */
export function completedFile(fake: FakeSlack, complete: RecordedCall, title: RegExp): Buffer {
  const file = ((complete.params.files as { id: string; title?: string }[] | undefined) ?? []).find((f) =>
    title.test(f.title ?? ''),
  );
  const upload = fake.callsTo('upload').find((c) => c.params.fileId === file?.id);
  return uploadedBytes(upload?.body ?? Buffer.alloc(0));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Form fields whose values are JSON (blocks, files) are decoded so tests can look inside. */
function parseParams(req: IncomingMessage, body: Buffer): Record<string, unknown> {
  const type = req.headers['content-type'] ?? '';
  const text = body.toString('utf8');
  if (type.includes('application/json')) return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  const params: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    params[key] = /^[[{]/.test(value) ? (JSON.parse(value) as unknown) : value;
  }
  return params;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: RecordedCall[] = [];
  const failures = new Map<string, (429 | 500)[]>();
  const waiters = new Set<() => void>();
  let fileCounter = 0;
  /** chat.postMessage calls as the channel's history: ts (seconds, as Slack writes it) and metadata. */
  const history: { channel: string; ts: string; text: unknown; metadata: unknown }[] = [];
  const holds = new Set<string>();
  const held: (() => void)[] = [];
  let historyError: string | null = null;
  const usergroups = new Map<string, readonly string[]>();
  let lastTs = 0;
  let socketModeUrl: string | null = null;
  let base = '';

  function answer(method: string, params: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'apps.connections.open':
        return socketModeUrl
          ? { ok: true, url: socketModeUrl }
          : { ok: false, error: 'not_allowed_token_type' };
      case 'auth.test':
        return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'lumen' };
      case 'conversations.open':
        return { ok: true, channel: { id: `D-${String(params.users)}` } };
      case 'users.info':
        return { ok: true, user: { id: params.user, name: 'someone', tz: 'UTC' } };
      case 'chat.postMessage': {
        // Distinct, increasing timestamps, like Slack's.
        lastTs = Math.max(lastTs + 0.000001, Date.now() / 1000);
        const ts = lastTs.toFixed(6);
        history.push({ channel: String(params.channel), ts, text: params.text, metadata: params.metadata });
        return { ok: true, channel: params.channel, ts };
      }
      case 'conversations.history': {
        if (historyError) return { ok: false, error: historyError };
        const oldest = Number(params.oldest ?? 0);
        const withMetadata = String(params.include_all_metadata) === 'true';
        const messages = history
          .filter((m) => m.channel === params.channel && Number(m.ts) >= oldest)
          .reverse()
          .map((m) => ({
            type: 'message',
            ts: m.ts,
            text: m.text,
            ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
          }));
        return { ok: true, messages, has_more: false };
      }
      case 'usergroups.users.list': {
        const users = usergroups.get(String(params.usergroup));
        return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
      }
      case 'chat.update':
        return { ok: true, channel: params.channel, ts: `${Date.now() / 1000}` };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${Date.now() / 1000}` };
      case 'files.getUploadURLExternal': {
        fileCounter += 1;
        const id = `F${fileCounter}`;
        return { ok: true, upload_url: `${base}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal':
        return { ok: true, files: (params.files as { id: string }[] | undefined) ?? [] };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', base);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    let method: string;
    let params: Record<string, unknown> = {};
    if (url.pathname.startsWith('/upload/')) {
      method = 'upload';
      params = { fileId: url.pathname.slice('/upload/'.length) };
    } else if (url.pathname.startsWith('/response/')) {
      method = 'response';
      params = { ...parseParams(req, body), responseId: url.pathname.slice('/response/'.length) };
    } else {
      method = url.pathname.replace(/^\/api\//, '');
      params = parseParams(req, body);
    }
    const failure = failures.get(method)?.shift();
    calls.push({
      method,
      params,
      bytes: method === 'upload' ? body.byteLength : 0,
      body: method === 'upload' ? body : null,
      at: Date.now(),
    });
    for (const wake of waiters) wake();
    if (failure === 429) return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
    if (failure === 500) return send(500, { ok: false, error: 'internal_error' });
    if (method === 'upload' || method === 'response') return send(200, { ok: true });
    const reply = answer(method, params);
    if (holds.delete(method)) {
      held.push(() => send(200, reply));
      return;
    }
    send(200, reply);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: `${base}/api/`,
    responseUrl: (id) => `${base}/response/${id}`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    responsesTo: (responseId) =>
      calls.filter((c) => c.method === 'response' && c.params.responseId === responseId),
    failNext(method, status) {
      failures.set(method, [...(failures.get(method) ?? []), status]);
    },
    setSocketModeUrl(url) {
      socketModeUrl = url;
    },
    holdNext(method) {
      holds.add(method);
    },
    releaseHeld() {
      for (const release of held.splice(0)) release();
    },
    setHistoryError(error) {
      historyError = error;
    },
    setUsergroup(usergroup, users) {
      usergroups.set(usergroup, users);
    },
    waitFor(predicate, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = calls.find(predicate);
          if (found) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`fake Slack: no matching call within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
