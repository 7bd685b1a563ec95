/** `lumen status` as plain text: one line per fact, newest run first. */
import type { QueueStatus } from './queue-status.ts';
import type { RunRecord } from './runs/run-record.ts';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function runLine(run: RunRecord): string {
  const total = Object.values(run.stages).reduce((sum, ms) => sum + ms, 0);
  const model = run.modelVersion ? ` model ${run.modelVersion}${run.trained ? ' (new)' : ''}` : '';
  const error = run.error ? ` - ${run.error}` : '';
  return `  ${run.startedAt}  ${run.status.padEnd(9)} ${run.trigger.padEnd(8)} ${seconds(total).padStart(7)}${model}${error}`;
}

export function formatQueueStatus(status: QueueStatus): string {
  const count = (counts: Record<string, number>) =>
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([state, n]) => `${n} ${state}`)
      .join(', ') || 'empty';
  const lines = [
    status.workers.length
      ? `workers: ${status.workers.length} connected`
      : `workers: none connected (start one with \`lumen worker\`; queued jobs wait until then)`,
    ...status.workers.map((w) => `  ${w.name} (${w.queues.join(' + ')}, connected ${w.connectedSeconds} s)`),
    `compute queue: ${count(status.counts.compute)}`,
    `publish queue: ${count(status.counts.publish)}`,
  ];
  for (const job of status.active) {
    const progress = job.progress ? ` - ${job.progress.stage} (${job.progress.percent}%)` : '';
    lines.push(`running: ${job.name} ${job.id}${progress}`);
  }
  const published = status.published;
  lines.push(
    'none' in published
      ? `published: ${published.none}`
      : `published: ${published.runId} (by ${published.source}; data as of ${published.asOf ?? '?'}; model ${published.modelVersion ?? 'none'}; at risk ${published.atRisk ?? 'no list'}${published.finishedAt ? `; finished ${published.finishedAt}` : ''})`,
  );
  lines.push(`next weekly digest: ${status.schedules.digestNextAt ?? 'not scheduled'}`);
  lines.push(`next scheduled refresh: ${status.schedules.refreshNextAt ?? 'not scheduled'}`);
  lines.push(status.lastRuns.length ? 'last runs:' : 'no runs yet');
  for (const run of status.lastRuns) lines.push(runLine(run));
  return lines.join('\n');
}
