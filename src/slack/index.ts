/**
 * Lumen's Slack messages: the one home of Block Kit building, below both the bot (src/bot) and the
 * job system (src/jobs), which import from here only. Pure: no Slack calls, no Redis, no files.
 */
export {
  atRiskLearnerBlocks,
  atRiskLearnerLine,
  type CourseList,
  type CourseListBlocks,
  type CourseListOptions,
  courseListBlocks,
  type FeedbackOf,
  LEARNER_LINE_LIMIT,
  type LearnerFeedback,
  NOT_STARTED_SHOWN,
  notStartedLines,
  type PredictionRowText,
  trainedOnlyText,
} from './at-risk.ts';
export {
  type ButtonSpec,
  buttons,
  context,
  divider,
  header,
  type KnownBlock,
  message,
  plainMessage,
  receivedBlocks,
  type SlackMessage,
  section,
  withinLimits,
} from './blocks.ts';
export {
  blocksWithFeedback,
  FEEDBACK_ACTIONS,
  FEEDBACK_BLOCK_PREFIX,
  FEEDBACK_LABELS,
  type FeedbackVerdict,
  feedbackButtons,
  feedbackNote,
} from './feedback.ts';
export * from './limits.ts';
export { NEVER_ACTIVE_SHOWN, type NeverActiveRow, neverActiveBlocks } from './never-active.ts';
export {
  cutText,
  escapeMrkdwn,
  slackDate,
  truncateLines,
  truncateList,
  withoutPaths,
} from './text.ts';
