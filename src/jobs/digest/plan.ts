/** What this week's digest is: the full digest, or the one line of a quiet week. File reads only. */
import { latestFeedback } from '../feedback-log.ts';
import { latestFolderOrFail } from '../latest-outputs.ts';
import { buildDigestContent, type DigestContent, quietWeekText } from './content.ts';
import type { LastDigest } from './once.ts';
import { baselineRunFolder, type RunOutputs, readRunOutputs } from './run-outputs.ts';

export type DigestPlan =
  | { readonly kind: 'digest'; readonly runDir: string; readonly content: DigestContent }
  | { readonly kind: 'quiet'; readonly runDir: string; readonly since: string; readonly text: string };

export interface PlanOptions {
  readonly outDir: string;
  /** The channel's previous digest (Redis); null: compare with the previous run folder, if any. */
  readonly last: LastDigest | null;
  readonly now: Date;
  readonly top?: number;
  readonly modelMaxAgeDays: number;
}

function tryRead(runDir: string | null): RunOutputs | null {
  if (!runDir) return null;
  try {
    return readRunOutputs(runDir);
  } catch {
    return null;
  }
}

export function planDigest(options: PlanOptions): DigestPlan {
  const { outDir, last, now } = options;
  const runDir = latestFolderOrFail(outDir);
  const current = readRunOutputs(runDir);
  const asOf = current.summary.asOf;
  if (last && asOf <= last.asOf) {
    return { kind: 'quiet', runDir, since: last.asOf, text: quietWeekText(last.asOf) };
  }
  const previous = tryRead(baselineRunFolder(outDir, asOf, last?.asOf ?? null));
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
