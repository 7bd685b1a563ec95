/** What every processor gets besides its job: settings, the run history and (for Slack jobs) a publisher. */
import type { Config } from '../config.ts';
import type { JobsConfig } from './config.ts';
import type { FeedbackStore } from './feedback-log.ts';
import type { Publisher } from './publisher.ts';
import type { RunHistory } from './runs/run-history.ts';

export interface ProcessorContext {
  readonly config: Config;
  readonly jobsConfig: JobsConfig;
  /** Null where no Redis is at hand (unit tests): history then only goes to history.json. */
  readonly history: RunHistory | null;
  readonly publisher: Publisher | null;
  /** Aborted when the job times out or is cancelled: a run must then not switch OUT/latest. */
  readonly signal: AbortSignal;
  /** The feedback record (Redis); absent where no Redis is at hand: verdicts go to the file alone. */
  readonly feedback?: FeedbackStore;
  /** The email lookup secret (lookup-key.ts); absent where no Redis is at hand. */
  readonly lookupSecret?: () => Promise<string>;
}
