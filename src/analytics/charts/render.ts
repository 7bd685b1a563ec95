/**
 * Vega-Lite spec -> Vega -> SVG (headless View, renderer 'none') -> PNG at 2x with sharp.
 */

import type SharpDefault from 'sharp';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { ensureFontconfigFile } from './fonts.ts';
import { useShippedFontMetrics } from './text-metrics.ts';

/** 72 dpi is 1x for an SVG in librsvg; 144 draws every chart at twice its CSS size. */
export const PNG_DENSITY = 144;

/** Type-only: the module itself is imported lazily, see loadSharp. */
type Sharp = typeof SharpDefault;
let sharpModule: Promise<Sharp> | null = null;

/**
 * sharp's libvips draws SVG text through fontconfig, which reads FONTCONFIG_FILE once, when it first
 * initialises. So the variable is set here, before sharp is first imported, to our file that lists only
 * the shipped font. This is an input to a native library, not configuration of Lumen, hence not in
 * config.ts.
 */
function loadSharp(): Promise<Sharp> {
  if (!sharpModule) {
    process.env.FONTCONFIG_FILE = ensureFontconfigFile();
    sharpModule = import('sharp').then((m) => m.default as Sharp);
  }
  return sharpModule;
}

export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  useShippedFontMetrics();
  const vegaSpec = compile(spec).spec;
  const view = new View(parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function svgToPng(svg: string): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(Buffer.from(svg), { density: PNG_DENSITY }).png().toBuffer();
}

export interface RenderedChart {
  readonly svg: string;
  readonly png: Buffer;
}

export async function renderChart(spec: TopLevelSpec): Promise<RenderedChart> {
  const svg = await specToSvg(spec);
  return { svg, png: await svgToPng(svg) };
}
