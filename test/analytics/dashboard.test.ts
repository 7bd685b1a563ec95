/**
 * The dashboard: escaping and numbers as plain HTML, then the page from a real run in headless
 * Chromium (Debian's /usr/bin/chromium driven by playwright-core): it loads with no console error and
 * no request leaving the file, is not blank, shows its KPI numbers, and its at-risk table sorts and
 * filters.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  buildChartSet,
  CHART_IDS,
  modelInputsFromAnalysis,
  readOverview,
} from '../../src/analytics/charts/index.ts';
import {
  type AtRiskRow,
  buildDashboard,
  type DashboardInput,
  dashboardInputFromAnalysis,
} from '../../src/analytics/dashboard.ts';
import { escapeHtml } from '../../src/analytics/html.ts';
import type { DataQualityReport } from '../../src/analytics/validate.ts';
import { type AnalysedRun, analysedRun } from '../helpers/analysis-run.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';

const CHROMIUM = '/usr/bin/chromium';
// `npm run test:unit` turns the browser off (LUMEN_TEST_BROWSER=off): it needs no Chromium.
const browserOff = process.env.LUMEN_TEST_BROWSER === 'off';
const hasChromium = !browserOff && existsSync(CHROMIUM);

const QUALITY: DataQualityReport = {
  dataDir: '/data',
  asOf: '2026-06-28',
  asOfSource: 'latest event',
  eventSpan: { start: '2026-01-05', end: '2026-06-28', writtenOn: '2026-06-29', eventsOutside: 0 },
  dateOrders: [],
  timeZone: 'UTC',
  learners: { kept: 10, staffExcluded: 1, active: 9 },
  enrolmentsFile: false,
  files: [
    {
      file: 'lms_users.csv',
      rowsRead: 11,
      rowsKept: 10,
      rowsExcluded: 1,
      excluded: [
        { reason: 'staff_account', label: 'staff account', column: 'role', rows: 1, firstLines: [4] },
      ],
    },
  ],
  warnings: [{ file: 'lms_users.csv', check: 'email <b>dup</b>', rows: 2, firstLines: [3, 5] }],
};

function smallInput(atRisk: AtRiskRow[]): DashboardInput {
  return {
    asOf: '2026-06-28',
    kpis: {
      learnersModelled: 1234,
      learnersScored: 56,
      activeThisWeek: 78,
      completionRate: 0.4567,
      atRiskCount: atRisk.length,
      previousAtRiskCount: 5,
      cvAuc: 0.8123,
      gate: { reliable: true, reasons: [] },
    },
    charts: [],
    atRisk,
    noListReason: null,
    quality: QUALITY,
    card: null,
    // A learner registered with no activity, whose name is hostile markup too.
    neverActive: [
      {
        userId: 'U<i>9</i>',
        firstName: '<img src=x onerror=alert(2)>',
        lastName: 'Never',
        department: 'IT',
        registeredOn: '2026-06-01',
        daysSinceRegistration: 27,
      },
    ],
  };
}

const HOSTILE: AtRiskRow = {
  userId: 'U<1>',
  name: '<script>alert(1)</script> "Bobby" & Tables',
  department: "R&D '<img src=x onerror=alert(2)>'",
  courseId: 'C<1>&"x"',
  neverActive: false,
  riskScore: 0.91,
  riskBand: 'high',
  drivers: ['<b>no sessions</b> this week'],
};

describe('HTML', () => {
  test('every text from data is escaped', () => {
    const html = buildDashboard(smallInput([HOSTILE]));
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;Bobby&quot; &amp; Tables');
    expect(html).toContain('email &lt;b&gt;dup&lt;/b&gt;');
    // The registered-but-never-active section, escaped like the rest.
    expect(html).toContain('Registered, never active (1)');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt; Never');
    expect(html).toContain('U&lt;i&gt;9&lt;/i&gt;');
    // Exactly one script element: ours.
    expect(html.match(/<script\b/g)).toHaveLength(1);
  });

  test('the KPIs are the input numbers, with the change in at-risk learners', () => {
    const html = buildDashboard(smallInput([HOSTILE]));
    for (const text of [
      '1,234',
      '56 open learners scored',
      '78',
      '45.7%',
      '0.812',
      'gate passed',
      '2026-06-28',
    ])
      expect(html).toContain(text);
    expect(html).toContain('−4 since the previous run');
    const first = buildDashboard({
      ...smallInput([]),
      kpis: { ...smallInput([]).kpis, previousAtRiskCount: null },
    });
    expect(first).toContain('no previous run to compare');
  });

  test('nothing is fetched: no external URL, and a CSP that forbids it', () => {
    const html = buildDashboard(smallInput([HOSTILE]));
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html).toContain(`default-src 'none'`);
  });

  test('without a list the reason is shown instead of the table', () => {
    const html = buildDashboard({ ...smallInput([]), noListReason: 'the model is <unreliable>' });
    expect(html).toContain('No at-risk list: the model is &lt;unreliable&gt;');
    expect(html).not.toContain('id="at-risk"');
  });
});

describe.skipIf(!hasChromium)('in headless Chromium', () => {
  let run: AnalysedRun;
  let input: DashboardInput;
  let page: string;
  let browser: Browser;
  let overview: Awaited<ReturnType<typeof readOverview>>;
  let charts: Awaited<ReturnType<typeof buildChartSet>>;

  beforeAll(async () => {
    run = await analysedRun();
    overview = await readOverview(run.db, run.asOf);
    const learnerId = run.result.scores?.find((s) => s.atRisk)?.userId ?? null;
    charts = await buildChartSet(run.db, modelInputsFromAnalysis(run.result), {
      asOf: run.asOf,
      learnerId,
    });
    input = dashboardInputFromAnalysis(run.result, overview, charts, 3);
    // One learner with a hostile name, to see that the page treats it as text.
    const first = input.atRisk[0];
    if (first) input = { ...input, atRisk: [{ ...first, name: HOSTILE.name }, ...input.atRisk.slice(1)] };
    page = join(tempDir('lumen-dashboard-'), 'dashboard.html');
    writeFileSync(page, buildDashboard(input));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    run?.db.close();
    removeTempDirs();
  });

  test('a weak list (its model under 0.6) says so above the table; a stronger one does not', () => {
    expect(input.weakList).toBeNull();
    expect(buildDashboard(input)).not.toContain('id="weak-list"');
    const card = run.result.card;
    if (card === null) throw new Error('the shared run has no model card');
    const weak = dashboardInputFromAnalysis(
      { ...run.result, card: { ...card, weakList: { cvAuc: 0.5834 } } },
      overview,
      charts,
      3,
    );
    expect(buildDashboard(weak)).toContain(
      '<p class="notice" id="weak-list">This list is weak: its model ranks its own target only a little better than chance (cross-validated ROC AUC 0.583). Treat it as a prompt to look, not a verdict.</p>',
    );
  });

  test('loads with no console error, no failed request and nothing fetched from elsewhere', async () => {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    const external: string[] = [];
    tab.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    tab.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
    tab.on('request', (r) => {
      if (!/^(file|data):/.test(r.url())) external.push(r.url());
    });
    tab.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });
    expect(problems).toEqual([]);
    expect(external).toEqual([]);
    // Every chart of the catalogue is on the page, under its id, and its image decoded.
    expect(input.charts.map((c) => c.name)).toEqual([...CHART_IDS]);
    const images = await tab.$$eval('figure.chart', (figures) =>
      figures.map((f) => ({ id: f.id, width: (f.querySelector('img') as HTMLImageElement).naturalWidth })),
    );
    expect(images.map((i) => i.id)).toEqual(CHART_IDS.map((id) => `chart-${id}`));
    for (const image of images) expect(image.width, image.id).toBeGreaterThan(0);
    // The hostile name is text, not markup.
    expect(await tab.locator('#at-risk td', { hasText: '<script>alert(1)</script>' }).count()).toBe(
      input.atRisk.length > 0 ? 1 : 0,
    );
    await tab.close();
  });

  test('a screenshot is not blank', async () => {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await tab.goto(pathToFileURL(page).href);
    const shot = await tab.screenshot({ fullPage: false });
    const stats = await sharp(shot).stats();
    const spread = Math.max(...stats.channels.slice(0, 3).map((c) => c.stdev));
    expect(spread).toBeGreaterThan(10);
    await tab.close();
  });

  test('shows the KPI numbers it was built from', async () => {
    const tab = await browser.newPage();
    await tab.goto(pathToFileURL(page).href);
    const k = input.kpis;
    const value = (id: string) => tab.locator(`#kpi-${id} .kpi-value`).textContent();
    expect(await value('learners-modelled')).toBe((k.learnersModelled ?? 0).toLocaleString('en-US'));
    expect(await value('active')).toBe(k.activeThisWeek.toLocaleString('en-US'));
    expect(await value('completion')).toBe(`${((k.completionRate ?? 0) * 100).toFixed(1)}%`);
    expect(await value('at-risk')).toBe((k.atRiskCount ?? 0).toLocaleString('en-US'));
    expect(await value('auc')).toBe((k.cvAuc ?? 0).toFixed(3));
    const change = (k.atRiskCount ?? 0) - 3;
    expect(await tab.locator('#kpi-at-risk .kpi-note').textContent()).toMatch(
      change === 0 ? /no change/ : new RegExp(`${Math.abs(change)} since the previous run`),
    );
    expect(await tab.locator('#as-of').textContent()).toBe(run.asOf);
    await tab.close();
  });

  test('the at-risk table sorts when a header is clicked, and filters', async () => {
    expect(input.atRisk.length).toBeGreaterThan(5);
    const tab = await browser.newPage();
    await tab.goto(pathToFileURL(page).href);
    const risks = () =>
      tab.$$eval('#at-risk tbody tr', (rows) =>
        rows
          .filter((r) => !(r as HTMLElement).hidden)
          .map((r) => Number((r as HTMLTableRowElement).cells[4]?.getAttribute('data-value'))),
      );
    const ids = () =>
      tab.$$eval('#at-risk tbody tr', (rows) =>
        rows.map((r) => (r as HTMLTableRowElement).cells[0]?.textContent ?? ''),
      );
    const byRiskDesc = input.atRisk.map((r) => r.riskScore);
    expect(await risks()).toEqual(byRiskDesc);

    await tab.click('#at-risk th[data-key="risk"] button');
    expect(await risks()).toEqual([...byRiskDesc].sort((a, b) => a - b));
    expect(await tab.getAttribute('#at-risk th[data-key="risk"]', 'aria-sort')).toBe('ascending');
    await tab.click('#at-risk th[data-key="risk"] button');
    expect(await risks()).toEqual([...byRiskDesc].sort((a, b) => b - a));

    await tab.click('#at-risk th[data-key="userId"] button');
    const sortedIds = input.atRisk.map((r) => r.userId.toLowerCase()).sort();
    expect((await ids()).map((id) => id.toLowerCase())).toEqual(sortedIds);

    const target = input.atRisk[2] as AtRiskRow;
    await tab.fill('#risk-filter', target.userId);
    const visible = await tab.$$eval('#at-risk tbody tr', (rows) =>
      rows
        .filter((r) => !(r as HTMLElement).hidden)
        .map((r) => (r as HTMLTableRowElement).cells[0]?.textContent),
    );
    expect(visible).toContain(target.userId);
    expect(visible.length).toBeLessThan(input.atRisk.length);
    await tab.fill('#risk-filter', '');
    await tab.selectOption('#band-filter', 'high');
    const bands = await tab.$$eval('#at-risk tbody tr', (rows) =>
      rows.filter((r) => !(r as HTMLElement).hidden).map((r) => r.getAttribute('data-band')),
    );
    expect(bands.length).toBe(input.atRisk.filter((r) => r.riskBand === 'high').length);
    expect(new Set(bands)).toEqual(new Set(bands.length ? ['high'] : []));
    await tab.close();
  });
});

test.runIf(!hasChromium)('dashboard browser tests need /usr/bin/chromium', () => {
  console.warn(
    browserOff
      ? 'LUMEN_TEST_BROWSER=off: the dashboard browser tests were skipped (npm test runs them)'
      : `${CHROMIUM} does not exist: the dashboard browser tests were skipped (apt-get install chromium)`,
  );
});
