/** The bot's messages and argument parsing, without Slack (the Block Kit builders: test/slack). */
import { describe, expect, test } from 'vitest';
import type { ModelCard } from '../../src/analytics/model/card.ts';
import { chartCaption, chartCatalogMessage, EDA_CHART_IDS } from '../../src/bot/blocks/chart-catalog.ts';
import { learnerProfileMessage } from '../../src/bot/blocks/learner-profile.ts';
import { adminOnlyMessage, failureMessage, workingMessage } from '../../src/bot/blocks/notices.ts';
import { statusMessage } from '../../src/bot/blocks/status.ts';
import { usageMessage } from '../../src/bot/blocks/usage.ts';
import { logError } from '../../src/bot/error-id.ts';
import { parseAtRiskArgs } from '../../src/bot/listeners/commands/at-risk.ts';
import { unwrapMailto } from '../../src/bot/listeners/commands/learner.ts';
import { modelCardMessage } from '../../src/jobs/model-card-text.ts';

describe('usage and catalogue', () => {
  test('usage lists every subcommand and escapes what the user typed', () => {
    const message = usageMessage('<!here>');
    const json = JSON.stringify(message);
    for (const sub of ['at-risk', 'eda', 'learner', 'model', 'status', 'digest', 'train']) {
      expect(json).toContain(`/lumen ${sub}`);
    }
    expect(json).toContain('&lt;!here&gt;');
    expect(json).not.toContain('<!here>');
  });

  test('the catalogue offers every chart but the per-learner one, and names an unknown chart escaped', () => {
    expect(EDA_CHART_IDS).toContain('weekly-engagement');
    expect(EDA_CHART_IDS).not.toContain('learner-profile');
    const json = JSON.stringify(chartCatalogMessage('../../etc/<passwd>'));
    expect(json).toContain('There is no chart called');
    expect(json).toContain('&lt;passwd&gt;');
    for (const id of EDA_CHART_IDS) expect(json).toContain(`\`${id}\``);
    expect(chartCaption('quiz-scores')).toMatch(/^\*Quiz scores\*: /);
  });
});

describe('model card, status, learner', () => {
  const card = {
    modelVersion: 'v20260628-abc',
    trainedAt: '2026-06-28T10:00:00Z',
    dataAsOf: '2026-06-28',
    reliable: false,
    gateReasons: ['Only 4 dropped learners (need 10).'],
    evaluation: { cvAuc: 0.81234, prAuc: 0.5, brier: 0.12 },
    training: { rows: 1200, learners: { completed: 300, dropped: 4 } },
  } as unknown as ModelCard;

  test('the model card shows version, dates, metrics and why the gate failed', () => {
    const text = JSON.stringify(modelCardMessage(card));
    expect(text).toContain('v20260628-abc');
    expect(text).toContain('CV AUC 0.812');
    expect(text).toContain('failed its quality gate: Only 4 dropped learners');
    expect(JSON.stringify(modelCardMessage(null))).toContain('no model yet');
  });

  test('status keeps the columns in a code block and says the data date', () => {
    const message = statusMessage('compute queue: empty\n`x`', '2026-06-28');
    expect(message.blocks[0]).toMatchObject({ text: { text: 'Data as of 2026-06-28' } });
    expect(JSON.stringify(message.blocks[1])).toContain("```compute queue: empty\\n'x'```");
  });

  test('a learner profile has numbers only, and a clear line when not found', () => {
    const found = learnerProfileMessage({
      learnerId: 'U7',
      found: true,
      riskBand: 'high',
      completionProbability: 0.1,
      atRisk: true,
      modelVersion: 'v1',
      chartPath: null,
    });
    expect(found.text).toBe('Learner U7: 90% risk, high band');
    const missing = learnerProfileMessage({
      learnerId: 'U<9>',
      found: false,
      riskBand: null,
      completionProbability: null,
      atRisk: null,
      modelVersion: null,
      chartPath: null,
    });
    expect(missing.text).toContain('No open learner `U&lt;9&gt;`');
  });
});

describe('notes', () => {
  test('working note carries the job id and, outside staff channels, the DM note', () => {
    expect(workingMessage('the at-risk list', 'post-at-risk-1').text).toContain('`post-at-risk-1`');
    expect(workingMessage('the at-risk list', 'j', true).text).toContain('direct message');
    expect(adminOnlyMessage('retrain the model').text).toMatch(/^Sorry, only Lumen admins/);
  });

  test('failures are one sentence with the error id, never the reason', () => {
    expect(failureMessage('refresh', 'a1b2c3d4').text).toBe(
      ":x: I could not refresh: something went wrong (error a1b2c3d4); staff can find it in the bot's log.",
    );
  });

  test('logError logs the first line of the reason under a fresh 8-hex id and returns it', () => {
    const lines: string[] = [];
    const error = new Error('ENOENT: /srv/lumen/out/latest/x.json\n    at parse (x.ts:1)');
    const first = logError((line) => lines.push(line), '/lumen model failed', error);
    const second = logError((line) => lines.push(line), '/lumen model failed', error);
    expect(first).toMatch(/^[0-9a-f]{8}$/);
    expect(second).not.toBe(first);
    expect(lines[0]).toBe(`error ${first}: /lumen model failed: ENOENT: /srv/lumen/out/latest/x.json`);
  });
});

describe('/lumen at-risk arguments', () => {
  test('course and top N in any order, with defaults and limits', () => {
    expect(parseAtRiskArgs([])).toEqual({ courseId: null, top: 10 });
    expect(parseAtRiskArgs(['C101', 'top', '5'])).toEqual({ courseId: 'C101', top: 5 });
    expect(parseAtRiskArgs(['top', '3', 'C2'])).toEqual({ courseId: 'C2', top: 3 });
    expect(parseAtRiskArgs(['7'])).toEqual({ courseId: null, top: 7 });
    expect(parseAtRiskArgs(['top', '500'])).toMatch(/1 to 20/);
    expect(parseAtRiskArgs(['C1', 'C2'])).toMatch(/did not understand "C2"/);
    expect(parseAtRiskArgs(['../x'])).toMatch(/did not understand/);
  });
});

describe('learner lookup by email', () => {
  test('drivers and outcome are shown escaped; an email lookup that found nobody echoes no email', () => {
    const found = learnerProfileMessage({
      learnerId: 'U7',
      found: true,
      riskBand: 'high',
      completionProbability: 0.2,
      atRisk: true,
      modelVersion: 'v1',
      chartPath: null,
      drivers: ['no activity for 20 days', '<!here> quiz'],
      outcome: 'open',
      byEmail: true,
    });
    const json = JSON.stringify(found.blocks);
    expect(json).toContain('*Drivers* no activity for 20 days; &lt;!here&gt; quiz');
    expect(json).toContain('*Outcome* open');
    expect(json).not.toContain('<!here>');
    const nobody = learnerProfileMessage({
      learnerId: '',
      found: false,
      riskBand: null,
      completionProbability: null,
      atRisk: null,
      modelVersion: null,
      chartPath: null,
      byEmail: true,
    });
    expect(nobody.text).toBe('No learner with that email in the export the latest run read.');
  });

  test('Slack mailto links are unwrapped', () => {
    expect(unwrapMailto('<mailto:Ann@X.org|Ann@X.org>')).toBe('Ann@X.org');
    expect(unwrapMailto('<mailto:ann@x.org>')).toBe('ann@x.org');
    expect(unwrapMailto('ann@x.org')).toBe('ann@x.org');
  });
});
