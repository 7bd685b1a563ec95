/** `/lumen help` (and `/lumen` alone): usage with examples, to the requester only. */
import { usageMessage } from '../../blocks/usage.ts';
import { type CommandHandler, reply } from './command-request.ts';

export const handleHelp: CommandHandler = async (request, deps) => {
  await request.ack();
  try {
    await reply(request, usageMessage());
  } catch (error) {
    deps.log(`/lumen help failed: ${error instanceof Error ? error.message : String(error)}`);
  }
};
