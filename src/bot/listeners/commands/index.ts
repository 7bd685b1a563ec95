/** Registers `/lumen` and routes its first word to one handler per subcommand. */
import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps.ts';
import { handleAtRisk } from './at-risk.ts';
import type { CommandHandler } from './command-request.ts';
import { handleDigest } from './digest.ts';
import { handleEda } from './eda.ts';
import { handleHelp } from './help.ts';
import { handleLearner } from './learner.ts';
import { handleModel } from './model.ts';
import { handleStatus } from './status.ts';
import { handleTrain } from './train.ts';
import { handleUnknown } from './unknown.ts';

export const SUBCOMMANDS: Readonly<Record<string, CommandHandler>> = {
  help: handleHelp,
  'at-risk': handleAtRisk,
  eda: handleEda,
  learner: handleLearner,
  train: handleTrain,
  model: handleModel,
  status: handleStatus,
  digest: handleDigest,
};

export function registerCommands(app: App, deps: BotDeps): void {
  app.command('/lumen', async ({ command, ack, respond }) => {
    const [first = 'help', ...args] = command.text.trim().split(/\s+/).filter(Boolean);
    const subcommand = first.toLowerCase();
    const handler = Object.hasOwn(SUBCOMMANDS, subcommand)
      ? (SUBCOMMANDS[subcommand] as CommandHandler)
      : handleUnknown(first);
    // Ids only: the text may hold a learner id, which is fine, but never a name. Logged once the ack
    // is sent: the synchronous write to stderr was a quarter of a request's CPU time before its ack,
    // and under a burst every request's line held up the acks of the requests behind it.
    let logged = false;
    const logRequest = () => {
      if (logged) return;
      logged = true;
      deps.log(
        `/lumen ${Object.hasOwn(SUBCOMMANDS, subcommand) ? subcommand : '(unknown)'} from ${command.user_id} in ${command.channel_id}`,
      );
    };
    const ackThenLog: typeof ack = async (response) => {
      try {
        await ack(response);
      } finally {
        logRequest();
      }
    };
    try {
      await handler({ command, ack: ackThenLog, respond, args }, deps);
    } finally {
      logRequest();
    }
  });
}
