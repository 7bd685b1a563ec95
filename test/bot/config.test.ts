/** Bot settings: read once, defaults, one-line errors naming the missing token, no secret in descriptions. */
import { describe, expect, test } from 'vitest';
import { BotConfigError, describeBotConfig, digestScopeOf, readBotConfig } from '../../src/bot/config.ts';
import { SlackPublisher, slackPublisherFromEnv } from '../../src/bot/publish.ts';
import { readAccessConfig } from '../../src/jobs/access-config.ts';
import { JobsError } from '../../src/jobs/jobs-error.ts';
import { runCli } from '../helpers/cli.ts';

describe('readBotConfig', () => {
  test('defaults: HTTP on 3000, no admins', () => {
    const config = readBotConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's3cret' });
    expect(config).toMatchObject({ port: 3000, appToken: null, apiUrl: null });
    expect(config.adminUsers.size).toBe(0);
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('lists, API URL and socket mode', () => {
    const config = readBotConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1',
      SLACK_API_URL: 'http://127.0.0.1:9/api',
      LUMEN_STAFF_CHANNELS: 'C1, C2',
      LUMEN_ADMIN_USERS: 'U1',
      PORT: '8080',
    });
    expect(config.adminUsers.has('U1')).toBe(true);
    expect(config.apiUrl).toBe('http://127.0.0.1:9/api/');
    expect(config.port).toBe(8080);
    const access = readAccessConfig({ LUMEN_STAFF_CHANNELS: 'C1, C2' });
    expect(describeBotConfig(config, access)).toMatch(/^Socket Mode.*2 staff channel\(s\)/);
  });

  test('a missing token stops the bot with one line naming it', () => {
    expect(() => readBotConfig({ SLACK_SIGNING_SECRET: 's' })).toThrow(BotConfigError);
    // The CLI prints JobsErrors as one line.
    expect(() => readBotConfig({ SLACK_SIGNING_SECRET: 's' })).toThrow(JobsError);
    expect(() => readBotConfig({ SLACK_SIGNING_SECRET: 's' })).toThrow(/^SLACK_BOT_TOKEN is not set/);
    expect(() => readBotConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/^SLACK_SIGNING_SECRET is not set/);
    expect(() => readBotConfig({ SLACK_BOT_TOKEN: 'x', SLACK_SIGNING_SECRET: 's', PORT: 'abc' })).toThrow(
      /PORT=abc/,
    );
  });

  test('the worker gets a publisher only when SLACK_BOT_TOKEN is set', () => {
    expect(slackPublisherFromEnv({})).toBeNull();
    expect(
      slackPublisherFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_API_URL: 'http://127.0.0.1:9/api' }),
    ).toBeInstanceOf(SlackPublisher);
  });

  test('the description never contains a secret', () => {
    const config = readBotConfig({
      SLACK_BOT_TOKEN: 'xoxb-secret-token',
      SLACK_SIGNING_SECRET: 'signing-secret',
    });
    const text = describeBotConfig(config, readAccessConfig({}));
    expect(text).toContain('HTTP on port 3000');
    expect(text).not.toMatch(/xoxb-secret-token|signing-secret/);
  });
});

describe('the digest channel', () => {
  test('must be one of the staff channels: the digest names learners', () => {
    expect(digestScopeOf('C2', readAccessConfig({ LUMEN_STAFF_CHANNELS: 'C1 C2' }))).toBeNull();
    expect(() =>
      digestScopeOf('learning-analytics', readAccessConfig({ LUMEN_STAFF_CHANNELS: 'C1' })),
    ).toThrow(
      /^LUMEN_DIGEST_CHANNEL=learning-analytics is not one of LUMEN_STAFF_CHANNELS \(C1\) nor a course channel of LUMEN_CONFIG: the digest names learners/,
    );
    expect(() => digestScopeOf('C1', readAccessConfig({}))).toThrow(/LUMEN_STAFF_CHANNELS \(unset\)/);
  });

  test('lumen worker with a Slack token and a non-staff digest channel stops with one line, exit 2', async () => {
    const result = await runCli(['worker'], {
      SLACK_BOT_TOKEN: 'xoxb-check',
      LUMEN_STAFF_CHANNELS: 'CSTAFF',
      LUMEN_DIGEST_CHANNEL: 'CPUBLIC',
      // Never reached: the check comes before Redis.
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /LUMEN_DIGEST_CHANNEL=CPUBLIC is not one of LUMEN_STAFF_CHANNELS \(CSTAFF\)/,
    );
    expect(result.stderr).not.toContain('xoxb-check');
  });
});
