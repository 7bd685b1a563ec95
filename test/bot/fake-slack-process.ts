/**
 * The fake Slack Web API (fake-slack.ts) in a process of its own, for benchmarks whose own process
 * must stay free to time requests. Started by startFakeSlackProcess; talks over the IPC channel.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startFakeSlack } from './fake-slack.ts';

type Request = { readonly type: 'waitForCalls'; readonly method: string; readonly count: number };
type Reply =
  | { readonly type: 'ready'; readonly apiUrl: string; readonly responseBase: string }
  | { readonly type: 'calls'; readonly count: number }
  | { readonly type: 'error'; readonly message: string };

export interface FakeSlackProcess {
  readonly apiUrl: string;
  readonly responseUrl: (id: string) => string;
  /** Resolves once the fake Slack has recorded at least `count` calls to `method`. */
  waitForCalls(method: string, count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeSlackProcess(): Promise<FakeSlackProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<Reply>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`fake Slack process exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (message) => {
        child.off('exit', onExit);
        resolve(message as Reply);
      });
    });
  const ready = await next();
  if (ready.type !== 'ready') {
    child.kill('SIGKILL');
    throw new Error(`fake Slack process did not start: ${JSON.stringify(ready)}`);
  }
  return {
    apiUrl: ready.apiUrl,
    responseUrl: (id) => `${ready.responseBase}${id}`,
    async waitForCalls(method, count) {
      const reply = next();
      child.send({ type: 'waitForCalls', method, count } satisfies Request);
      const answer = await reply;
      if (answer.type === 'error') throw new Error(answer.message);
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// Run as the child: serve, answer the parent, stop on SIGTERM or when the parent goes away.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const send = (reply: Reply) => process.send?.(reply);
  const fake = await startFakeSlack();
  process.on('message', (message: Request) => {
    fake
      .waitFor(() => fake.callsTo(message.method).length >= message.count, 30_000)
      .then(() => send({ type: 'calls', count: fake.callsTo(message.method).length }))
      .catch((error: unknown) => send({ type: 'error', message: String(error) }));
  });
  const stop = () => {
    void fake.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  send({ type: 'ready', apiUrl: fake.apiUrl, responseBase: fake.responseUrl('') });
}
