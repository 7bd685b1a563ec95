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
import type { LearnerEnrolmentScore } from '../../src/jobs/contracts.ts';
import { modelCardMessage } from '../../src/jobs/model-card-text.ts';
import { limitViolations } from '../slack/block-limits.ts';

/** One open enrolment of a learner profile answer. */
function enrolment(fields: Partial<LearnerEnrolmentScore> & { courseId: string }): LearnerEnrolmentScore {
  return {
    enrolledOn: '2026-03-02',
    riskBand: 'medium',
    completionProbability: 0.5,
    atRisk: false,
    neverActive: false,
    drivers: [],
    ...fields,
  };
}

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

  test('a learner profile has numbers only, one line per enrolment, and a clear line when not found', () => {
    const found = learnerProfileMessage({
      learnerId: 'U7',
      found: true,
      modelVersion: 'v1',
      chartPath: null,
      enrolments: [
        enrolment({ courseId: 'C1', completionProbability: 0.1, riskBand: 'high', atRisk: true }),
        enrolment({ courseId: 'C2', completionProbability: 0.8, riskBand: 'low' }),
      ],
      outcomes: [],
    });
    expect(found.text).toBe('Learner U7: C1 90% risk, high band; C2 20% risk, low band');
    const lines = found.blocks.map((b) => (b.type === 'section' ? b.text?.text : '')).join('\n');
    expect(lines).toContain('*C1*\n*Risk* 90% (high band) · *At risk* yes');
    expect(lines).toContain('*C2*\n*Risk* 20% (low band) · *At risk* no');
    const missing = learnerProfileMessage({
      learnerId: 'U<9>',
      found: false,
      modelVersion: null,
      chartPath: null,
      enrolments: [],
      outcomes: [],
    });
    expect(missing.text).toBe('No open learner `U&lt;9&gt;` in the latest scores.');
    const closed = learnerProfileMessage({
      learnerId: 'U8',
      found: false,
      modelVersion: null,
      chartPath: null,
      enrolments: [],
      outcomes: [{ courseId: 'C3', outcome: 'completed', outcomeSource: 'inferred' }],
    });
    expect(closed.text).toBe('No open learner `U8` in the latest scores (outcome: C3 completed).');
  });

  test('a learner in 400 courses: every block within Slack limits, saying how much was left out', () => {
    const many = learnerProfileMessage({
      learnerId: 'U7',
      found: true,
      modelVersion: 'v1',
      chartPath: null,
      enrolments: Array.from({ length: 400 }, (_, i) =>
        enrolment({ courseId: `C${i}`, drivers: ['no activity for 20 days', 'quiz scores falling'] }),
      ),
      outcomes: Array.from({ length: 400 }, (_, i) => ({
        courseId: `C${i}`,
        outcome: 'open',
        outcomeSource: null,
      })),
    });
    expect(limitViolations(many.blocks)).toEqual([]);
    expect(JSON.stringify(many.blocks)).toMatch(/\.\.\. and \d+ more lines/);
    expect(JSON.stringify(many.blocks)).toMatch(/\.\.\. and \d+ more/);
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
      modelVersion: 'v1',
      chartPath: null,
      enrolments: [
        enrolment({
          courseId: 'C1',
          completionProbability: 0.2,
          atRisk: true,
          drivers: ['no activity for 20 days', '<!here> quiz'],
        }),
        enrolment({ courseId: 'C2', neverActive: true, enrolledOn: '2026-06-05' }),
      ],
      outcomes: [
        { courseId: 'C1', outcome: 'open', outcomeSource: 'inferred' },
        { courseId: 'C2', outcome: 'open', outcomeSource: 'enrolments file' },
      ],
      byEmail: true,
    });
    const json = JSON.stringify(found.blocks);
    expect(json).toContain('*Drivers* no activity for 20 days; &lt;!here&gt; quiz');
    expect(json).toContain('*C2* · enrolled 2026-06-05, not started');
    expect(json).toContain('*Outcome* C1 open; C2 open');
    expect(json).not.toContain('<!here>');
    const nobody = learnerProfileMessage({
      learnerId: '',
      found: false,
      modelVersion: null,
      chartPath: null,
      enrolments: [],
      outcomes: [],
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
