/**
 * `/lumen learner <id|email>`: the learner's enrolments the requester may see, each with its course,
 * risk, band, drivers (or that it has not started), then the outcome of each (the profile job returns
 * ids, numbers and feature phrases only). Text from the outputs is escaped for mrkdwn; an email the
 * requester typed is never echoed into a posted message. A learner in 400 courses stays within
 * Slack's limits: the lines are cut, saying how many were left out.
 */
import type { LearnerEnrolmentScore, LearnerProfileResult } from '../../jobs/index.ts';
import {
  context,
  escapeMrkdwn,
  header,
  message,
  plainMessage,
  SECTION_TEXT_LIMIT,
  type SlackMessage,
  section,
  truncateLines,
  truncateList,
} from '../../slack/index.ts';

/** "72%": the risk of not completing (1 - completion probability), or n/a. */
export function riskPercent(completionProbability: number | null): string {
  return completionProbability === null ? 'n/a' : `${Math.round((1 - completionProbability) * 100)}%`;
}

function course(id: string): string {
  return escapeMrkdwn(id || 'no course');
}

function enrolmentLines(enrolment: LearnerEnrolmentScore): string[] {
  const started = enrolment.neverActive
    ? ` · enrolled${enrolment.enrolledOn ? ` ${escapeMrkdwn(enrolment.enrolledOn)}` : ''}, not started`
    : '';
  return [
    `*${course(enrolment.courseId)}*${started}`,
    `*Risk* ${riskPercent(enrolment.completionProbability)} (${escapeMrkdwn(enrolment.riskBand ?? '?')} band) · *At risk* ${enrolment.atRisk ? 'yes' : 'no'}`,
    ...(enrolment.drivers.length ? [`*Drivers* ${enrolment.drivers.map(escapeMrkdwn).join('; ')}`] : []),
  ];
}

function outcomesText(profile: LearnerProfileResult): string {
  const items = profile.outcomes.map((o) => `${course(o.courseId)} ${escapeMrkdwn(o.outcome || '?')}`);
  return truncateList(items, 1000, '; ');
}

export function learnerProfileMessage(profile: LearnerProfileResult): SlackMessage {
  const id = escapeMrkdwn(profile.learnerId);
  if (profile.byEmail && !profile.learnerId) {
    return plainMessage('No learner with that email in the export the latest run read.');
  }
  if (!profile.found) {
    const outcome = profile.outcomes.length ? ` (outcome: ${outcomesText(profile)})` : '';
    return plainMessage(`No open learner \`${id}\` in the latest scores${outcome}.`);
  }
  const risks = profile.enrolments.map(
    (e) =>
      `${e.courseId || 'no course'} ${riskPercent(e.completionProbability)} risk, ${e.riskBand ?? '?'} band`,
  );
  const lines = profile.enrolments.flatMap(enrolmentLines);
  const blocks = [
    header(`Learner ${profile.learnerId}`),
    section(truncateLines(lines.join('\n'), SECTION_TEXT_LIMIT)),
    ...(profile.outcomes.length ? [section(`*Outcome* ${outcomesText(profile)}`)] : []),
    context(`model ${escapeMrkdwn(profile.modelVersion ?? 'none')}`),
  ];
  const more = risks.length > 3 ? `, and ${risks.length - 3} more courses` : '';
  return message(
    risks.length === 1
      ? `Learner ${profile.learnerId}: ${risks[0]}`
      : `Learner ${profile.learnerId}: ${risks.slice(0, 3).join('; ')}${more}`,
    blocks,
  );
}
