/**
 * The model card in a few phone-sized lines: `/lumen model` (the bot) and the answer to `/lumen
 * train` (the worker, after the retrain). Aggregates only.
 */
import type { ModelCard } from '../analytics/model/card.ts';
import {
  context,
  escapeMrkdwn,
  header,
  message,
  plainMessage,
  type SlackMessage,
  section,
  slackDate,
} from '../slack/index.ts';

function fixed(value: number | null | undefined, digits = 3): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export type ModelCardText = SlackMessage;

export function modelCardMessage(card: ModelCard | null): ModelCardText {
  if (!card) {
    return plainMessage('There is no model yet: no refresh has finished. Ask an admin for `/lumen train`.');
  }
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
    `*Trained at* ${slackDate(card.trainedAt)}`,
    `*Data as of* ${escapeMrkdwn(card.dataAsOf)}`,
    `*Metrics* ${metrics}`,
    gate,
  ];
  return message(
    `Model ${card.modelVersion ?? 'none'}: ${card.reliable ? 'reliable' : 'not reliable'}, data as of ${card.dataAsOf}`,
    [header('Completion-risk model'), section(lines.join('\n')), ...(training ? [context(training)] : [])],
  );
}
