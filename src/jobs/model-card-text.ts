/**
 * The model card in a few phone-sized lines: `/lumen model` (the bot) and the answer to `/lumen
 * train` (the worker, after the retrain). Aggregates only.
 */
import type { ModelCard } from '../analytics/model/card.ts';
import type { SlackBlock } from './publisher.ts';
import { escapeMrkdwn } from './slack-text.ts';

function fixed(value: number | null | undefined, digits = 3): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export interface ModelCardText {
  readonly text: string;
  readonly blocks: SlackBlock[];
}

export function modelCardMessage(card: ModelCard | null): ModelCardText {
  if (!card) {
    const text = 'There is no model yet: no refresh has finished. Ask an admin for `/lumen train`.';
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
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
    `*Trained at* ${escapeMrkdwn(card.trainedAt)}`,
    `*Data as of* ${escapeMrkdwn(card.dataAsOf)}`,
    `*Metrics* ${metrics}`,
    gate,
  ];
  return {
    text: `Model ${card.modelVersion ?? 'none'}: ${card.reliable ? 'reliable' : 'not reliable'}, data as of ${card.dataAsOf}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Completion-risk model' } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
      ...(training ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: training }] }] : []),
    ],
  };
}
