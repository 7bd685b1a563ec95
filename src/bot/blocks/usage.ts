/** `/lumen help` and the answer to any unknown subcommand. */
import { context, escapeMrkdwn, type SlackMessage, section } from '../../slack/index.ts';

const COMMANDS: readonly [string, string][] = [
  [
    '/lumen at-risk [course_id] [top N]',
    'per course: enrolled but not started, then those most at risk of not completing (default top 10)',
  ],
  ['/lumen eda', 'the chart catalogue'],
  ['/lumen eda <chart>', 'one chart, e.g. `/lumen eda weekly-engagement`'],
  ['/lumen learner <user_id>', "one learner's risk and drivers in each course, and profile chart"],
  ['/lumen model', 'the current model card'],
  ['/lumen status', 'queue, last runs, next digest, data as-of'],
  ['/lumen digest', 'a preview of the weekly digest, just for you'],
  ['/lumen train', 'retrain the model now (admins only)'],
];

export function usageMessage(unknownSubcommand: string | null = null): SlackMessage {
  const intro = unknownSubcommand
    ? `I don't know \`${escapeMrkdwn(unknownSubcommand.slice(0, 40))}\`. Here is what I can do:`
    : 'Here is what I can do:';
  const lines = COMMANDS.map(([usage, what]) => `\`${usage}\` - ${what}`);
  return {
    text: `${intro} ${COMMANDS.map(([usage]) => usage).join(', ')}`,
    blocks: [
      section(intro),
      section(lines.join('\n')),
      context(
        'Learner lists and profiles go to staff channels or to your DM. Example: `/lumen at-risk C101 top 5`',
      ),
    ],
  };
}
