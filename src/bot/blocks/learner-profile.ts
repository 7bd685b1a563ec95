/** `/lumen learner <id>`: the learner's risk in numbers (the profile job returns ids and numbers only). */
import type { LearnerProfileResult } from '../../jobs/index.ts';
import { escapeMrkdwn } from '../../jobs/index.ts';
import { context, header, plainMessage, type SlackMessage, section } from './message.ts';

export function learnerProfileMessage(profile: LearnerProfileResult): SlackMessage {
  const id = escapeMrkdwn(profile.learnerId);
  if (!profile.found) return plainMessage(`No open learner \`${id}\` in the latest scores.`);
  const risk =
    profile.completionProbability === null
      ? 'n/a'
      : `${Math.round((1 - profile.completionProbability) * 100)}%`;
  const lines = [
    `*Risk* ${risk} (${escapeMrkdwn(profile.riskBand ?? '?')} band)`,
    `*At risk* ${profile.atRisk ? 'yes' : 'no'}`,
  ];
  return {
    text: `Learner ${profile.learnerId}: ${risk} risk, ${profile.riskBand ?? '?'} band`,
    blocks: [
      header(`Learner ${profile.learnerId}`),
      section(lines.join('\n')),
      context(`model ${escapeMrkdwn(profile.modelVersion ?? 'none')}`),
    ],
  };
}
