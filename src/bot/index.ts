/** The Slack bot's public surface: `lumen bot` calls startBot; `lumen worker` gets createSlackPublisher. */
export { type RunningBot, type StartBotOptions, startBot } from './app.ts';
export {
  type BotConfig,
  BotConfigError,
  describeBotConfig,
  digestScopeOf,
  readBotConfig,
} from './config.ts';
export { keepServingOnErrors } from './process-guard.ts';
export { createSlackPublisher, SlackPublisher, slackPublisherFromEnv } from './publish.ts';
