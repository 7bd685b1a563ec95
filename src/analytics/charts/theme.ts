/**
 * What every chart shares: the shipped font, the Okabe-Ito palette (distinguishable with the common
 * colour-vision deficiencies, unlike vega's default tableau10), the title block and the "no data" chart.
 */
import type { TopLevelSpec, Config as VegaLiteConfig } from 'vega-lite';

/** Must equal the family name inside the shipped .ttf files: librsvg asks fontconfig for exactly this. */
export const FONT_FAMILY = 'DejaVu Sans';

export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  black: '#000000',
} as const;

export const CATEGORY_PALETTE: string[] = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.green,
  OKABE_ITO.vermillion,
  OKABE_ITO.skyBlue,
  OKABE_ITO.purple,
  OKABE_ITO.yellow,
  OKABE_ITO.black,
];

export const OUTCOME_COLORS = {
  domain: ['completed', 'dropped', 'open'],
  range: [OKABE_ITO.green, OKABE_ITO.vermillion, OKABE_ITO.blue],
};

export const RISK_BAND_COLORS = {
  domain: ['high', 'medium', 'low'],
  range: [OKABE_ITO.vermillion, OKABE_ITO.orange, OKABE_ITO.skyBlue],
};

/**
 * Light to dark for shares (heatmaps): Okabe-Ito yellow, green, blue. Lightness falls all the way, so
 * the order reads without telling hues apart.
 */
export const SEQUENTIAL_RANGE: string[] = [OKABE_ITO.yellow, OKABE_ITO.green, OKABE_ITO.blue];

export const CHART_WIDTH = 560;
export const CHART_HEIGHT = 300;

/** Who and when a chart speaks for; goes into every subtitle. */
export interface ChartContext {
  readonly asOf: string;
  /** Learners whose data the chart is drawn from. */
  readonly learners: number;
}

export const CHART_CONFIG: VegaLiteConfig = {
  font: FONT_FAMILY,
  background: '#ffffff',
  padding: 12,
  range: { category: CATEGORY_PALETTE },
  mark: { color: OKABE_ITO.blue },
  title: { fontSize: 16, subtitleFontSize: 12, subtitleColor: '#444444', anchor: 'start', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, titlePadding: 8, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  view: { stroke: null },
};

export function subtitle(context: ChartContext, extra?: string): string[] {
  const learners = `${context.learners.toLocaleString('en-US')} learner${context.learners === 1 ? '' : 's'}`;
  const lines = [`As of ${context.asOf} · ${learners}`];
  if (extra) lines.push(extra);
  return lines;
}

export function chartTitle(text: string, context: ChartContext, extra?: string) {
  return { text, subtitle: subtitle(context, extra) };
}

/** The chart shown instead of an empty or blank plot: same title, and says so. */
export function noDataSpec(title: string, context: ChartContext, reason = 'No data'): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chartTitle(title, context),
    width: CHART_WIDTH,
    height: 120,
    config: CHART_CONFIG,
    data: { values: [{ message: reason }] },
    mark: { type: 'text', fontSize: 18, color: '#666666' },
    encoding: { text: { field: 'message', type: 'nominal' } },
  };
}

/** Common top of a spec with data. */
export function baseSpec(title: string, context: ChartContext, extra?: string) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chartTitle(title, context, extra),
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    config: CHART_CONFIG,
  } as const;
}
