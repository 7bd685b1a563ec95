/** What every listener gets: settings, the producer queues and the Slack publisher. */
import type { JobQueues, JobsConfig } from '../jobs/index.ts';
import type { BotConfig } from './config.ts';
import type { JobWatcher } from './job-watcher.ts';
import type { UsergroupMembers } from './privacy.ts';
import type { SlackPublisher } from './publish.ts';

export type BotLog = (line: string) => void;

export interface BotDeps {
  readonly botConfig: BotConfig;
  readonly jobsConfig: JobsConfig;
  readonly queues: JobQueues;
  readonly publisher: SlackPublisher;
  readonly watcher: JobWatcher;
  /** Slack user-group memberships, for staff named by group. */
  readonly usergroups: UsergroupMembers;
  /** Aborted when the bot stops: background watches then end quietly instead of reporting failures. */
  readonly stopping: AbortSignal;
  readonly log: BotLog;
  /**
   * Work a listener started after acknowledging (waiting for a job, then posting): tracked so a
   * stopping bot can let it finish, and so tests can wait for it.
   */
  readonly background: Set<Promise<void>>;
}

/** Runs `work` after the ack without blocking the listener; failures are logged, never thrown. */
export function inBackground(deps: BotDeps, label: string, work: () => Promise<void>): void {
  const task: Promise<void> = work()
    .catch((error: unknown) => {
      deps.log(`${label} failed: ${error instanceof Error ? error.message : String(error)}`);
    })
    .finally(() => deps.background.delete(task));
  deps.background.add(task);
}
