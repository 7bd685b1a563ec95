/**
 * The at-risk list staff work through (issue 14): per course, sized to what staff can do, above a
 * minimum risk, with reasons that never read as good news; learnt inside one running cohort from its
 * own weeks when nobody has completed yet; and features that a twin would flip are left out. Judged
 * on generated cohort exports against the generator's hidden truth.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runAnalysis } from '../../src/analytics/analysis.ts';
import { PRESENTATIONS } from '../../src/analytics/generate/cohort-catalog.ts';
import { generateLmsData } from '../../src/analytics/generate.ts';
import type { ModelCard } from '../../src/analytics/model/card.ts';
import { COMPLETION_FEATURES } from '../../src/analytics/model/features.ts';
import { rocAuc } from '../../src/analytics/model/metrics.ts';
import { selectFeatures, trainCompletionModel } from '../../src/analytics/model/train.ts';
import { disengagementHorizons } from '../../src/analytics/train-stage.ts';
import { readConfig } from '../../src/config.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';

type Row = Record<string, string>;
const readCsv = (path: string) => parse(readFileSync(path), { columns: true }) as Row[];
const key = (r: Row) => `${r.user_id?.trim()}|${r.course_id?.trim()}`;
const config = readConfig({ LUMEN_DUCKDB_THREADS: '1', LUMEN_DUCKDB_MEMORY: '1GB' });

afterAll(removeTempDirs);

let data: string;
let truth: Map<string, string>;

beforeAll(async () => {
  data = tempDir('lumen-list-data-');
  const truthPath = join(tempDir('lumen-list-truth-'), 'truth.csv');
  await generateLmsData({
    learners: 1500,
    seed: 21,
    outDir: data,
    style: 'cohort',
    enrolments: false,
    endDate: '2026-06-21',
    truthPath,
  });
  truth = new Map(readCsv(truthPath).map((r) => [key(r), r.final_result ?? '']));
}, 120_000);

describe('the list of a multi-cohort export (outcomes inferred)', () => {
  let predictions: Row[];
  let card: ModelCard;
  beforeAll(async () => {
    const out = tempDir('lumen-list-out-');
    await runAnalysis(config, { dataDir: data, outDir: out, train: true, score: true, charts: false });
    predictions = readCsv(join(out, 'ML_Prediction.csv'));
    card = JSON.parse(readFileSync(join(out, 'model_card.json'), 'utf8')) as ModelCard;
  }, 180_000);

  test('with both targets learnt, the card says which ranks the list and why, with both figures', () => {
    const note =
      /^Both targets could be learnt\. On the (\d+) enrolment-weeks whose final outcome is known, the completion model ranks completion with ROC AUC (0\.\d{3}) \(out of fold\) and the (\d+)-day disengagement model with (0\.\d{3}), so the list ranks the risk of (not completing|going quiet)/.exec(
        card.targetNote ?? '',
      );
    expect(note, card.targetNote ?? undefined).not.toBeNull();
    const [, rows, completionAuc, , earlyAuc, ranked] = note as RegExpExecArray;
    expect(Number(rows)).toBe(card.training.rows);
    // The winner is the one with the higher figure, and it is the target the outputs name.
    expect(card.target).toBe(Number(completionAuc) >= Number(earlyAuc) ? 'completion' : 'disengagement');
    expect(ranked).toBe(card.target === 'completion' ? 'not completing' : 'going quiet');
    expect(new Set(predictions.map((p) => p.target))).toEqual(new Set([card.target]));
  });

  test('each course lists about its capacity (10%, at least 5), and most listed learners do not pass', () => {
    expect(card.target).toBe('completion');
    const listed = predictions.filter((p) => p.at_risk === 'true' && p.never_active === 'false');
    for (const course of new Set(predictions.map((p) => p.course_id))) {
      const rows = predictions.filter((p) => p.course_id === course);
      const onList = rows.filter((p) => p.at_risk === 'true' && p.never_active === 'false');
      expect(onList.length).toBeLessThanOrEqual(Math.max(5, Math.ceil(rows.length * 0.1)));
    }
    expect(listed.length / predictions.length).toBeLessThan(0.2);
    const notPassing = listed.filter((p) => truth.get(key(p)) !== 'passed').length;
    expect(notPassing / listed.length).toBeGreaterThanOrEqual(0.7);
    // The ranking of all open enrolments against their true result.
    const labels = predictions.map((p) => (truth.get(key(p)) === 'passed' ? 0 : 1));
    expect(
      rocAuc(
        labels,
        predictions.map((p) => Number(p.risk_score)),
      ),
    ).toBeGreaterThan(0.75);
  });

  test('every reason says how the learner is behind their peers; none reads as good news or names tenure', () => {
    const reasons = predictions.flatMap((p) => (p.top_drivers ? p.top_drivers.split('; ') : []));
    expect(reasons.length).toBeGreaterThan(100);
    for (const reason of reasons) {
      expect(reason).not.toMatch(/\bweek\b|typical/);
      const others = Number(/\(others(?: in [^:]+)?: ([\d.]+)%?\)$/.exec(reason)?.[1] ?? Number.NaN);
      // Each worded reason, and the side of the peers' median it must be on.
      const behind: [RegExp, (value: number) => boolean][] = [
        [/^no activity in the course for (\d+) days?/, (v) => Number.isNaN(others) || v > others],
        [/^(\d+) active days? in the last 14/, (v) => v < others],
        [/^(\d+) active days? in \S+ so far/, (v) => v < others],
        [/^(\d+) of \d+ required modules? done/, (v) => v < others],
        [/^average quiz score (\d+)/, (v) => v < others],
        [/^slow progress: (\d+)% of the usual progress per lesson step/, (v) => v < others],
      ];
      const worded = behind.find(([pattern]) => pattern.test(reason));
      if (worded) expect(worded[1](Number(worded[0].exec(reason)?.[1]))).toBe(true);
      else
        expect(reason).toMatch(
          /^(no quiz attempted yet \(most others have\)|enrolled \d{4}-\d\d-\d\d, no activity in \d+ days?)$/,
        );
      // Grammar: "1 day", "2 days", "1 required module".
      expect(reason).not.toMatch(/\b1 (days|modules|active days)\b/);
    }
  });
});

describe('the disengagement horizon', () => {
  test('a third of the typical run, shortened while it would leave fewer than five weeks labelled; then the rest, longest first', () => {
    // Week 3 or 4 of a cohort (21-28 days): 7 days leaves weeks 1-3 labelled, 14 only weeks 1-2.
    expect(disengagementHorizons(21)).toEqual([7, 14]);
    expect(disengagementHorizons(28)).toEqual([7, 14]);
    // 42 days (six weeks): a third is 14, which would leave four weeks labelled.
    expect(disengagementHorizons(42)).toEqual([7, 14]);
    // 49 days: 14 leaves five weeks. 55 days: a third is 21, which would leave under five.
    expect(disengagementHorizons(49)).toEqual([14, 7]);
    expect(disengagementHorizons(55)).toEqual([14, 21, 7]);
    // Later on, a third of the run (in whole weeks), as long as 42 days.
    expect(disengagementHorizons(78)).toEqual([28, 21, 14, 7]);
    expect(disengagementHorizons(300)).toEqual([42, 35, 28, 21, 14, 7]);
    // A run shorter than the shortest horizon still gets one to try.
    expect(disengagementHorizons(0)).toEqual([7, 14]);
  });
});

describe('one running cohort on its own', () => {
  /** The export of one presentation alone (its course, modules and events), as of the end of a week. */
  async function runAtWeek(week: number) {
    const course = 'C101-2026A';
    const start = PRESENTATIONS.find((p) => p.id === course)?.start as string;
    const asOf = new Date(Date.parse(`${start}T00:00:00Z`) + (7 * week - 1) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const single = tempDir('lumen-single-');
    const modules = readCsv(join(data, 'lms_modules.csv'));
    const mine = new Set(
      modules.filter((m) => m.course_id?.trim() === course).map((m) => m.module_id?.trim()),
    );
    const copy = (file: string, keep: (r: Row) => boolean) => {
      const header = readFileSync(join(data, file), 'utf8').split('\n')[0]?.split(',') ?? [];
      writeFileSync(
        join(single, file),
        stringify(readCsv(join(data, file)).filter(keep), { header: true, columns: header }),
      );
    };
    copy('lms_users.csv', () => true);
    copy('lms_courses.csv', (r) => r.course_id?.trim() === course);
    copy('lms_modules.csv', (r) => r.course_id?.trim() === course);
    copy('lms_lesson_activity.csv', (r) => mine.has(r.module_id?.trim()));
    copy('lms_quiz_attempts.csv', (r) => mine.has(r.module_id?.trim()));
    const out = tempDir('lumen-single-out-');
    const result = await runAnalysis(config, {
      dataDir: single,
      outDir: out,
      asOf,
      train: true,
      score: true,
      charts: false,
    });
    return { result, out };
  }

  test("eight weeks in, nobody has completed, yet a list is published from the cohort's own weeks, and says what it ranks", async () => {
    const { result, out } = await runAtWeek(8);
    expect(result.outcomes.completed ?? 0).toBe(0);
    expect(result.noListReason).toBeNull();
    const card = JSON.parse(readFileSync(join(out, 'model_card.json'), 'utf8')) as ModelCard;
    expect(card.target).toBe('disengagement');
    expect(card.targetNote).toMatch(/^The completion model could not be used \(not enough data: 0 completed/);
    // A list whose model ranks its target clearly better than chance is not called weak.
    expect(card.evaluation?.cvAuc).toBeGreaterThanOrEqual(0.6);
    expect(card.weakList).toBeNull();
    expect(readFileSync(join(out, 'model_card.md'), 'utf8')).toContain('- Quality gate: **passed**: at-risk');
    expect(card.training.features).not.toContain('week_of_course');
    const md = readFileSync(join(out, 'model_card.md'), 'utf8');
    expect(md).toContain('goes quiet');
    // The training table and the confusion matrix count the target's own labels, not completions.
    expect(md).toContain(
      `| | active again | went quiet or scored low |\n| --- | ---: | ---: |\n| enrolments | ${card.training.learners.completed} | ${card.training.learners.dropped} |`,
    );
    expect(md).toMatch(
      new RegExp(`in the ${card.horizonDays} days after the week without quiz attempts averaging below`),
    );
    expect(md).toContain('| | predicted went quiet or scored low | predicted active again |');
    expect(md).not.toMatch(/\| (predicted |actual )?(completed|dropped) \|/);
    // The first weeks where the model is no better than days since the last activity are said plainly.
    const weak = (card.evaluation?.aucByWeek ?? []).filter(
      (w) =>
        w.weeks !== '4+' && w.auc !== null && w.baselineAuc !== null && w.auc - (w.baselineAuc ?? 0) < 0.01,
    );
    const said =
      /\*\*In week ([\d, ]+) since enrolment the model ranks no better than days since the last activity alone\*\*/.exec(
        md,
      );
    expect(said?.[1]?.split(', ') ?? []).toEqual(weak.map((w) => w.weeks));
    const predictions = readCsv(join(out, 'ML_Prediction.csv'));
    expect(new Set(predictions.map((p) => p.target))).toEqual(new Set(['disengagement']));
    const listed = predictions.filter((p) => p.at_risk === 'true');
    expect(listed.length).toBeGreaterThanOrEqual(5);
    expect(listed.length).toBeLessThanOrEqual(Math.max(5, Math.ceil(predictions.length * 0.1)));
  }, 180_000);

  test('four weeks in, before the first deadline: a weak list in the order of silence, said so, that still ranks the final results better than chance', async () => {
    // The generated presentation's first assessment is due in week 5; before it, study has barely
    // begun (a tenure weight once made a list here that was worse than chance: late joiners first; the
    // weeks before the start, kept, made one at CV AUC 0.584 whose 7 listed were 29% non-passers at a
    // base rate of 39%). With a 14-day horizon only weeks 1-2 were labelled and no model passed the
    // gate; with 7 days (weeks 1-3), days since the last activity does (the full model is no better).
    const { result, out } = await runAtWeek(4);
    expect(result.outcomes.completed ?? 0).toBe(0);
    expect(result.noListReason).toBeNull();
    const card = JSON.parse(readFileSync(join(out, 'model_card.json'), 'utf8')) as ModelCard;
    expect(card.target).toBe('disengagement');
    expect(card.horizonDays).toBe(7);
    expect(card.targetNote).toContain(
      'no activity in the course in the 7 days after a week, or quiz attempts in them averaging below',
    );
    expect(card.targetNote).toContain('from how long the typical enrolment has run');
    expect(card.targetNote).toMatch(/no better than days since the last activity alone/);
    // Its model is under 0.6: the list is published and called weak.
    expect(card.evaluation?.cvAuc).toBeLessThan(0.6);
    expect(card.weakList).not.toBeNull();
    // Against the generator's true final results (measured: AUC 0.606, 48 listed of whom 58% did not
    // pass, at a base rate of 39%).
    const predictions = readCsv(join(out, 'ML_Prediction.csv'));
    const failed: number[] = predictions.map((p) => (truth.get(key(p)) === 'passed' ? 0 : 1));
    expect(
      rocAuc(
        failed,
        predictions.map((p) => Number(p.risk_score)),
      ),
    ).toBeGreaterThan(0.55);
    const listed = predictions.filter((p) => p.at_risk === 'true');
    const baseRate = failed.reduce((a, b) => a + b, 0) / failed.length;
    expect(listed.filter((p) => truth.get(key(p)) !== 'passed').length / listed.length).toBeGreaterThan(
      baseRate + 0.1,
    );
  }, 180_000);
});

describe('features the training rows cannot support', () => {
  test('a constant column and a near-copy of an earlier feature are left out, with the reason', () => {
    const n = 200;
    const share = Array.from({ length: n }, (_, i) => (i % 7) / 7);
    const columns = Object.fromEntries(
      COMPLETION_FEATURES.columns.map((c, j) => [
        c,
        Array.from({ length: n }, (_, i) => ((i * (j + 3)) % 11) + (i % (j + 2))),
      ]),
    );
    columns.share_required_completed = share;
    columns.pct_modules_done = share.map((v) => 0.5 * v + 0.1); // the same information, rescaled
    columns.never_active = Array.from({ length: n }, () => 0);
    const { spec, dropped } = selectFeatures({
      userIds: Array.from({ length: n }, (_, i) => `U${i}`),
      weekIndex: Array.from({ length: n }, () => 1),
      labels: Array.from({ length: n }, (_, i) => i % 2),
      columns,
    });
    expect(dropped).toContainEqual({
      feature: 'never_active',
      reason: 'constant on the training rows (always 0)',
    });
    expect(dropped).toContainEqual({
      feature: 'pct_modules_done',
      reason: 'collinear with share_required_completed (r = 1.000)',
    });
    // No missing quiz score: its indicator never fires.
    expect(dropped.map((d) => d.feature)).toContain('cum_avg_quiz_score_missing');
    expect(spec.features).not.toContain('pct_modules_done');
    expect(spec.features).toContain('share_required_completed');
  });

  test('progress per step is a completion feature only: the disengagement model never holds it', () => {
    const n = 400;
    const columns = Object.fromEntries(
      COMPLETION_FEATURES.columns.map((c, j) => [
        c,
        Array.from({ length: n }, (_, i) => ((i * (j + 3)) % 13) + (i % (j + 2)) + (i % 2) * (j % 3)),
      ]),
    );
    const data = {
      userIds: Array.from({ length: n }, (_, i) => `U${i}`),
      courseIds: Array.from({ length: n }, () => 'C1'),
      weekIndex: Array.from({ length: n }, () => 1),
      labels: Array.from({ length: n }, (_, i) => i % 2),
      columns,
    };
    const options = {
      C: 1,
      folds: 5,
      seed: 1,
      minClass: 10,
      minAuc: 0.5,
      asOf: '2026-03-29',
      dataSpanDays: 100,
      dropoutDays: 21,
    };
    const completion = trainCompletionModel(data, { ...options, target: 'completion' });
    const disengagement = trainCompletionModel(data, { ...options, target: 'disengagement' });
    expect(completion.model?.features).toContain('progress_per_step');
    expect(disengagement.model?.features).toBeDefined();
    expect(disengagement.model?.features).not.toContain('progress_per_step');
    expect(disengagement.droppedFeatures.map((d) => d.feature)).not.toContain('progress_per_step');
  });
});
