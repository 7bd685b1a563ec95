/** One refresh run as kept in the run history and shown by `lumen status`. */
import type { RunTrigger, StageTimings } from '../contracts.ts';

export interface RunRecord {
  readonly runId: string;
  readonly jobId: string;
  readonly trigger: RunTrigger;
  readonly status: 'succeeded' | 'failed';
  readonly startedAt: string;
  readonly finishedAt: string;
  /** 1 for the first try. */
  readonly attempt: number;
  /** Milliseconds spent in each stage, in order. */
  readonly stages: StageTimings;
  readonly dataFingerprint: string | null;
  readonly modelVersion: string | null;
  readonly trained: boolean;
  readonly error: string | null;
}
