/** The job system's public surface: the CLI and the Slack bot import from here only. */

export { latestRunFolder, readModelCard } from '../run-folder/index.ts';
export type { AccessConfig, CourseAccess, StaffSet } from './access-config.ts';
export { atRiskCsvAltText, chartAltText, learnerChartAltText } from './alt-text.ts';
export { type JobsConfig, readJobsConfig } from './config.ts';
export type * from './contracts.ts';
export { asProgressReport, COMPUTE_JOBS, PUBLISH_JOBS, queueOf } from './contracts.ts';
export {
  buildDigestContent,
  type DigestContent,
  type DigestInput,
  failedDigestText,
  quietWeekText,
} from './digest/content.ts';
export { type DigestDryRun, type DigestDryRunOptions, runDigestDryRun } from './digest/dry-run.ts';
export {
  FeedbackStore,
  feedbackCsv,
  feedbackOn,
  isSnoozed,
  latestFeedback,
  SNOOZE_DAYS,
} from './feedback-log.ts';
export { JobQueues, withJobQueues } from './job-queues.ts';
export { closeOnSignals, type RunningWorker, startWorker, type WorkerTuning } from './job-worker.ts';
export { JobsError, type JobsErrorCode } from './jobs-error.ts';
export { inScope, rowsInScope } from './learner-scope.ts';
export { emailLookupKey, lookupSecretKey, readLookupSecret } from './lookup-key.ts';
export { type ModelCardText, modelCardMessage } from './model-card-text.ts';
export {
  type EnqueuedFlow,
  type EnqueuedJob,
  type EnqueueOptions,
  enqueue,
  enqueueRefresh,
  enqueueTrainThenPost,
  type RefreshRequest,
  type TrainRequest,
  waitForJob,
} from './producer.ts';
export {
  carriesMetadata,
  type MessageMetadata,
  type PostedCheck,
  type PostedMessage,
  type PostOptions,
  type Publisher,
  type UploadOptions,
} from './publisher.ts';
export {
  type ConnectedWorker,
  connectedWorkers,
  type QueueStatus,
  queueStatus,
  readQueueStatus,
} from './queue-status.ts';
export { RunHistory, readHistoryFile, writeHistoryFile } from './runs/run-history.ts';
export type { RunRecord } from './runs/run-record.ts';
export { upsertSchedules } from './schedules.ts';
export { formatQueueStatus } from './status-text.ts';
export { requireWorker } from './worker-presence.ts';
