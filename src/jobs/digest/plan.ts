/** What this week's digest is: the full digest, or the one line of a quiet week. File reads only. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { baselineRunFolder, latestRunFolderOrFail, RUN_FILES } from '../../run-folder/index.ts';
import type { LearnerScope } from '../contracts.ts';
import { latestFeedback } from '../feedback-log.ts';
import { rowsInScope } from '../learner-scope.ts';
import { buildDigestContent, type DigestContent, quietWeekText } from './content.ts';
import type { LastDigest } from './once.ts';
import { type RunOutputs, readRunOutputs } from './run-outputs.ts';

export type DigestPlan =
  | { readonly kind: 'digest'; readonly runDir: string; readonly content: DigestContent }
  | { readonly kind: 'quiet'; readonly runDir: string; readonly since: string; readonly text: string };

export interface PlanOptions {
  readonly outDir: string;
  /** The learners this digest covers (null: every learner; a course digest: that course's). */
  readonly scope: LearnerScope;
  /**
   * Build from this run folder instead of OUT/latest when it still exists (a digest finishing the
   * thread of a message it posted from that run).
   */
  readonly runDir?: string | null;
  /** The channel's previous digest (Redis); null: compare with the previous run folder, if any. */
  readonly last: LastDigest | null;
  readonly now: Date;
  readonly top?: number;
  readonly modelMaxAgeDays: number;
}

function tryRead(runDir: string | null, scope: LearnerScope): RunOutputs | null {
  if (!runDir) return null;
  try {
    return scopedOutputs(readRunOutputs(runDir), scope);
  } catch {
    return null;
  }
}

/**
 * A run's rows narrowed to the enrolments of `scope`: predictions and outcomes by their course, so a
 * course digest's at-risk counts, split, list and CSV are that course's enrolments only (a learner's
 * rows of other courses never enter it). Weekly features are per learner (their activity in all
 * courses; the file has no course), narrowed to the learners enrolled in scope. The charts stay
 * programme-wide aggregates.
 */
export function scopedOutputs(outputs: RunOutputs, scope: LearnerScope): RunOutputs {
  if (scope === null) return outputs;
  const outcomes = rowsInScope(outputs.outcomes, scope);
  const ids = new Set(outcomes.map((row) => row.user_id));
  return {
    ...outputs,
    outcomes,
    predictions: outputs.predictions === null ? null : rowsInScope(outputs.predictions, scope),
    weekly: outputs.weekly.filter((row) => ids.has(row.user_id)),
    // Learners with no activity belong to no course: the programme digest lists them.
    neverActive: [],
  };
}

export function planDigest(options: PlanOptions): DigestPlan {
  const { outDir, last, now } = options;
  const runDir =
    options.runDir && existsSync(join(options.runDir, RUN_FILES.summary))
      ? options.runDir
      : latestRunFolderOrFail(outDir);
  const current = scopedOutputs(readRunOutputs(runDir), options.scope);
  const asOf = current.summary.asOf;
  if (last && asOf <= last.asOf) {
    return { kind: 'quiet', runDir, since: last.asOf, text: quietWeekText(last.asOf) };
  }
  const previous = tryRead(baselineRunFolder(outDir, asOf, last?.asOf ?? null), options.scope);
  const content = buildDigestContent({
    current,
    previous,
    previousAtRisk: last ? last.atRisk : null,
    feedback: latestFeedback(outDir),
    now,
    modelMaxAgeDays: options.modelMaxAgeDays,
    ...(options.top !== undefined ? { top: options.top } : {}),
  });
  return { kind: 'digest', runDir, content };
}
