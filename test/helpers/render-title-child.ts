/**
 * Run as a child process by the font test. Mode 'shipped' goes through the renderer (which points
 * fontconfig at the shipped font); mode 'bare' hands the same SVG to sharp directly, with whatever
 * FONTCONFIG_FILE the parent set.
 *   render-title-child MODE OUT.png        a chart whose title is its only text, to OUT.png
 *   render-title-child MODE OUT_DIR all    every chart of the catalogue (small sample rows), to
 *                                          OUT_DIR/<id>.png
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { renderChart, specToSvg } from '../../src/analytics/charts/render.ts';
import { noDataSpec } from '../../src/analytics/charts/theme.ts';
import { sampleChartSpecs } from './chart-fixtures.ts';

const [mode, out, which] = process.argv.slice(2);
if (!out || (mode !== 'shipped' && mode !== 'bare') || (which !== undefined && which !== 'all'))
  throw new Error('usage: render-title-child shipped|bare OUT.png | shipped|bare OUT_DIR all');

async function png(spec: TopLevelSpec): Promise<Buffer> {
  if (mode === 'shipped') return (await renderChart(spec)).png;
  const { default: sharp } = await import('sharp');
  return sharp(Buffer.from(await specToSvg(spec)), { density: 144 })
    .png()
    .toBuffer();
}

const context = { asOf: '2026-06-28', learners: 42 };
if (which === 'all') {
  for (const [id, spec] of Object.entries(sampleChartSpecs(context)))
    writeFileSync(join(out, `${id}.png`), await png(spec));
} else {
  writeFileSync(out, await png(noDataSpec('Lumen font check WWWWWWWW', context)));
}
