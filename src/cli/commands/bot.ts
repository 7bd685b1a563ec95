/** `lumen bot`: the Slack app, until SIGTERM/SIGINT. */
import { startBot } from '../../bot/app.ts';
import { keepServingOnErrors } from '../../bot/process-guard.ts';

export async function botCommand(): Promise<void> {
  const log = (line: string) => console.error(line);
  const bot = await startBot({ log });
  // After the start: a bot that cannot start still fails with one line and exit code.
  keepServingOnErrors(log);
  const stop = () => {
    void bot.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await new Promise(() => {});
}
