/** Any subcommand we do not know: usage, naming what was typed (escaped). */
import { usageMessage } from '../../blocks/usage.ts';
import { type CommandHandler, reply } from './command-request.ts';

export function handleUnknown(subcommand: string): CommandHandler {
  return async (request, deps) => {
    await request.ack();
    try {
      await reply(request, usageMessage(subcommand));
    } catch (error) {
      deps.log(`/lumen usage reply failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
