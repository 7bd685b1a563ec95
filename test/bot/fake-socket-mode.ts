/**
 * A fake Slack Socket Mode endpoint for tests: a WebSocket server on 127.0.0.1 that greets each
 * connection with `{type:'hello'}` the way Slack does, sends envelopes (slash commands, interactive
 * payloads) and records the acks the client sends back (`{envelope_id, payload?}`).
 *
 * The Socket Mode client finds this server through the Web API method `apps.connections.open`
 * (called with the xapp- token at SLACK_API_URL), which the fake Web API answers with `url`.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { buttonClickBody, type SlashCommandFields, slashCommandBody } from './signed-request.ts';

export interface SocketEnvelope {
  readonly envelope_id: string;
  readonly type: string;
  readonly payload: Record<string, unknown>;
  readonly accepts_response_payload: boolean;
}

export interface SocketAck {
  readonly envelope_id: string;
  readonly payload?: Record<string, unknown>;
  readonly at: number;
}

export interface SocketConnection {
  readonly id: number;
  /** The path and query the client connected to (carries the ticket apps.connections.open issued). */
  readonly path: string;
  /** Close code once the connection closed; null while it is open. */
  closeCode: number | null;
}

export interface FakeSocketMode {
  /** What apps.connections.open returns as `url`. */
  readonly url: string;
  readonly sent: SocketEnvelope[];
  readonly acks: SocketAck[];
  readonly connections: SocketConnection[];
  /** Resolves once a client is connected and has been sent its hello. */
  connected(timeoutMs?: number): Promise<SocketConnection>;
  /** Sends an envelope to the connected client; returns its envelope_id. */
  send(type: string, payload: Record<string, unknown>, acceptsResponsePayload?: boolean): string;
  /** A slash command envelope with the same fields as the HTTP form. */
  sendSlashCommand(fields: SlashCommandFields): string;
  /** An `interactive` envelope with a block_actions payload for one button click. */
  sendButtonClick(click: Parameters<typeof buttonClickBody>[0]): string;
  /** Slack's `{type:'disconnect', reason:'refresh_requested'}`: the client should reconnect. */
  requestRefresh(): void;
  /** Resolves with the ack for `envelopeId`, or rejects after `timeoutMs`. */
  waitForAck(envelopeId: string, timeoutMs?: number): Promise<SocketAck>;
  /** Resolves when every connection so far has closed, or rejects after `timeoutMs`. */
  allClosed(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeSocketMode(): Promise<FakeSocketMode> {
  const sent: SocketEnvelope[] = [];
  const acks: SocketAck[] = [];
  const connections: SocketConnection[] = [];
  const sockets = new Map<SocketConnection, WebSocket>();
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  const ticket = randomUUID();

  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link/?ticket=${ticket}`;

  server.on('connection', (socket, request) => {
    const connection: SocketConnection = {
      id: connections.length + 1,
      path: request.url ?? '',
      closeCode: null,
    };
    // Like Slack, only a URL handed out by apps.connections.open is accepted.
    if (!connection.path.includes(`ticket=${ticket}`)) {
      socket.close(4001, 'invalid ticket');
      return;
    }
    connections.push(connection);
    sockets.set(connection, socket);
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = JSON.parse(data.toString()) as {
        envelope_id?: string;
        payload?: Record<string, unknown>;
      };
      if (typeof message.envelope_id === 'string') {
        acks.push({ envelope_id: message.envelope_id, payload: message.payload, at: Date.now() });
        wake();
      }
    });
    socket.on('close', (code) => {
      connection.closeCode = code;
      sockets.delete(connection);
      wake();
    });
    socket.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' } }));
    wake();
  });

  function waitUntil<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found !== undefined) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`fake Socket Mode: ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  function send(type: string, payload: Record<string, unknown>, acceptsResponsePayload = false): string {
    const open = [...sockets.values()].at(-1);
    if (!open) throw new Error('fake Socket Mode: no client connected');
    const envelope: SocketEnvelope = {
      envelope_id: randomUUID(),
      type,
      payload,
      accepts_response_payload: acceptsResponsePayload,
    };
    sent.push(envelope);
    open.send(JSON.stringify(envelope));
    return envelope.envelope_id;
  }

  return {
    url,
    sent,
    acks,
    connections,
    connected: (timeoutMs = 10_000) =>
      waitUntil(() => connections.find((c) => c.closeCode === null), timeoutMs, 'no client connected'),
    send,
    sendSlashCommand: (fields) =>
      send('slash_commands', Object.fromEntries(new URLSearchParams(slashCommandBody(fields))), true),
    sendButtonClick(click) {
      const payload = new URLSearchParams(buttonClickBody(click)).get('payload') ?? '{}';
      return send('interactive', JSON.parse(payload) as Record<string, unknown>, false);
    },
    requestRefresh() {
      for (const open of sockets.values()) {
        open.send(
          JSON.stringify({ type: 'disconnect', reason: 'refresh_requested', debug_info: { host: 'fake' } }),
        );
      }
    },
    waitForAck: (envelopeId, timeoutMs = 5000) =>
      waitUntil(() => acks.find((a) => a.envelope_id === envelopeId), timeoutMs, `no ack for ${envelopeId}`),
    allClosed: (timeoutMs = 5000) =>
      waitUntil(
        () => (connections.every((c) => c.closeCode !== null) ? true : undefined),
        timeoutMs,
        'a connection is still open',
      ).then(() => undefined),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets.values()) socket.terminate();
        server.close(() => resolve());
      }),
  };
}
