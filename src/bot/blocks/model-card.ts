/** `/lumen model` and the answer to `/lumen train`: the model card in a few phone-sized lines. */
import type { ModelCard } from '../../analytics/model/card.ts';
import { escapeMrkdwn } from '../../jobs/index.ts';
import { context, header, plainMessage, type SlackMessage, section } from './message.ts';

function fixed(value: number | null | undefined, digits = 3): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function modelCardMessage(card: ModelCard | null): SlackMessage {
  if (!card)
    return plainMessage('There is no model yet: no refresh has finished. Ask an admin for `/lumen train`.');
  const gate = card.reliable
    ? ':white_check_mark: passed its quality gate'
    : `:warning: failed its quality gate: ${escapeMrkdwn(card.gateReasons.join(' '))}`;
  const e = card.evaluation;
  const metrics = e
    ? `CV AUC ${fixed(e.cvAuc)} · PR AUC ${fixed(e.prAuc)} · Brier ${fixed(e.brier)}`
    : 'no evaluation';
  const training = card.training
    ? `${card.training.rows} training rows; ${card.training.learners.completed} completed, ${card.training.learners.dropped} dropped`
    : '';
  const lines = [
    `*Version* ${escapeMrkdwn(card.modelVersion ?? 'none')}`,
    `*Trained at* ${escapeMrkdwn(card.trainedAt)}`,
    `*Data as of* ${escapeMrkdwn(card.dataAsOf)}`,
    `*Metrics* ${metrics}`,
    gate,
  ];
  return {
    text: `Model ${card.modelVersion ?? 'none'}: ${card.reliable ? 'reliable' : 'not reliable'}, data as of ${card.dataAsOf}`,
    blocks: [
      header('Completion-risk model'),
      section(lines.join('\n')),
      ...(training ? [context(training)] : []),
    ],
  };
}
