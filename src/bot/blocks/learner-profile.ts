/**
 * `/lumen learner <id|email>`: the learner's risk, band, drivers and outcome (the profile job
 * returns ids, numbers and feature phrases only). Driver text comes from the outputs, so it is
 * escaped for mrkdwn; an email the requester typed is never echoed into a posted message.
 */
import type { LearnerProfileResult } from '../../jobs/index.ts';
import {
  context,
  escapeMrkdwn,
  header,
  plainMessage,
  type SlackMessage,
  section,
} from '../../slack/index.ts';

export function learnerProfileMessage(profile: LearnerProfileResult): SlackMessage {
  const id = escapeMrkdwn(profile.learnerId);
  if (profile.byEmail && !profile.learnerId) {
    return plainMessage('No learner with that email in the export the latest run read.');
  }
  if (!profile.found) {
    const outcome = profile.outcome ? ` (outcome: ${escapeMrkdwn(profile.outcome)})` : '';
    return plainMessage(`No open learner \`${id}\` in the latest scores${outcome}.`);
  }
  const risk =
    profile.completionProbability === null
      ? 'n/a'
      : `${Math.round((1 - profile.completionProbability) * 100)}%`;
  const drivers = profile.drivers ?? [];
  const lines = [
    `*Risk* ${risk} (${escapeMrkdwn(profile.riskBand ?? '?')} band)`,
    `*At risk* ${profile.atRisk ? 'yes' : 'no'}`,
    ...(profile.outcome ? [`*Outcome* ${escapeMrkdwn(profile.outcome)}`] : []),
    ...(drivers.length ? [`*Drivers* ${drivers.map(escapeMrkdwn).join('; ')}`] : []),
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
