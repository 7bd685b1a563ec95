/**
 * Run as a child process by the font test: renders a chart whose title is its only text, to the PNG
 * path given. Mode 'shipped' goes through the renderer (which points fontconfig at the shipped font);
 * mode 'bare' hands the same SVG to sharp directly, with whatever FONTCONFIG_FILE the parent set.
 */
import { writeFileSync } from 'node:fs';
import { renderChart, specToSvg } from '../../src/analytics/charts/render.ts';
import { noDataSpec } from '../../src/analytics/charts/theme.ts';

const [mode, out] = process.argv.slice(2);
if (!out || (mode !== 'shipped' && mode !== 'bare'))
  throw new Error('usage: render-title-child shipped|bare OUT.png');
const spec = noDataSpec('Lumen font check WWWWWWWW', { asOf: '2026-06-28', learners: 42 });
if (mode === 'shipped') {
  writeFileSync(out, (await renderChart(spec)).png);
} else {
  const { default: sharp } = await import('sharp');
  writeFileSync(
    out,
    await sharp(Buffer.from(await specToSvg(spec)), { density: 144 })
      .png()
      .toBuffer(),
  );
}
