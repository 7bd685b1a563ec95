/**
 * Charts carry their own font. In a child process whose fontconfig knows no font at all (an empty
 * FONTCONFIG_FILE and an empty FONTCONFIG_PATH), the renderer still draws real glyphs; the same SVG
 * handed to sharp without our fontconfig draws only missing-glyph boxes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, describe, expect, test } from 'vitest';
import { CHART_IDS } from '../../../src/analytics/charts/catalog.ts';
import { fontconfigXml, fontDir } from '../../../src/analytics/charts/fonts.ts';
import { readAdvanceWidths, textWidth } from '../../../src/analytics/charts/text-metrics.ts';
import { FONT_FAMILY } from '../../../src/analytics/charts/theme.ts';
import { removeTempDirs, tempDir } from '../../helpers/fs.ts';

afterAll(removeTempDirs);

const CHILD = fileURLToPath(new URL('../../helpers/render-title-child.ts', import.meta.url));

/** An environment whose fontconfig knows no font at all, in a fresh temp folder. */
function noFontsEnv(dir: string): NodeJS.ProcessEnv {
  mkdirSync(join(dir, 'empty'));
  mkdirSync(join(dir, 'cache'));
  const emptyConfig = join(dir, 'empty.conf');
  writeFileSync(
    emptyConfig,
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><cachedir>${join(dir, 'cache')}</cachedir></fontconfig>\n`,
  );
  return {
    PATH: process.env.PATH,
    HOME: dir,
    FONTCONFIG_FILE: emptyConfig,
    FONTCONFIG_PATH: join(dir, 'empty'),
  };
}

/** Renders the font-check chart in a child process with no system fonts; returns the PNG. */
function renderInChild(mode: 'shipped' | 'bare'): Buffer {
  const dir = tempDir('lumen-fonts-');
  const out = join(dir, `${mode}.png`);
  execFileSync(process.execPath, ['--import', 'tsx', CHILD, mode, out], {
    env: noFontsEnv(dir),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return readFileSync(out);
}

/** Renders every chart of the catalogue in a child process with no system fonts; returns the PNGs. */
function renderAllInChild(mode: 'shipped' | 'bare'): Map<string, Buffer> {
  const dir = tempDir('lumen-fonts-');
  const out = join(dir, 'charts');
  mkdirSync(out);
  execFileSync(process.execPath, ['--import', 'tsx', CHILD, mode, out, 'all'], {
    env: noFontsEnv(dir),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Map(CHART_IDS.map((id) => [id, readFileSync(join(out, `${id}.png`))]));
}

/** Greyscale pixels of the title block (top-left, where the title and subtitle are drawn). */
async function titleRegion(png: Buffer): Promise<Buffer> {
  return sharp(png).extract({ left: 0, top: 0, width: 800, height: 180 }).greyscale().raw().toBuffer();
}

const ink = (pixels: Buffer) => pixels.filter((v) => v < 128).length;

/** Pixels that differ clearly between two renders of the same region. */
function differing(a: Buffer, b: Buffer): number {
  let count = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs((a[i] ?? 0) - (b[i] ?? 0)) > 64) count++;
  return count;
}

describe('shipped font', () => {
  test('the package ships DejaVu Sans as .ttf, and its family name is the one the charts ask for', () => {
    const ttf = readFileSync(join(fontDir(), 'DejaVuSans.ttf'));
    expect(ttf.readUInt32BE(0)).toBe(0x00010000); // TrueType outlines
    expect(
      ttf.includes(Buffer.from(FONT_FAMILY, 'latin1')) ||
        ttf.includes(Buffer.from(FONT_FAMILY, 'utf16le').swap16()),
    ).toBe(true);
  });

  test('the fontconfig file lists only our font folder, XML-escaped', () => {
    const xml = fontconfigXml('/fonts/a&b', '/cache');
    expect(xml).toContain('<dir>/fonts/a&amp;b</dir>');
    expect(xml).not.toContain('<include');
    expect((xml.match(/<dir>/g) ?? []).length).toBe(1);
  });

  test('text widths come from the font: W is wider than i, bold wider than regular', () => {
    const regular = readAdvanceWidths(readFileSync(join(fontDir(), 'DejaVuSans.ttf')));
    const bold = readAdvanceWidths(readFileSync(join(fontDir(), 'DejaVuSans-Bold.ttf')));
    expect(textWidth(regular, 'WWWW', 12)).toBeGreaterThan(textWidth(regular, 'iiii', 12) * 2);
    expect(textWidth(bold, 'Lumen', 16)).toBeGreaterThan(textWidth(regular, 'Lumen', 16));
    // DejaVu Sans: 2048 units per em; a space is 651 units.
    expect(regular.unitsPerEm).toBe(2048);
    expect(textWidth(regular, ' ', 2048)).toBe(651);
  });

  test('with no system fonts the renderer draws real text; without our fontconfig it cannot', async () => {
    const shipped = await titleRegion(renderInChild('shipped'));
    const bare = await titleRegion(renderInChild('bare'));
    // The title block has text.
    expect(ink(shipped)).toBeGreaterThan(2000);
    // And it is not the missing-glyph boxes the bare render has: most pixels differ where text is.
    expect(differing(shipped, bare)).toBeGreaterThan(2000);
  }, 60_000);

  test('with no system fonts every chart of the catalogue draws its title and subtitle in real glyphs', async () => {
    const shipped = renderAllInChild('shipped');
    const bare = renderAllInChild('bare');
    expect([...shipped.keys()]).toEqual([...CHART_IDS]);
    for (const id of CHART_IDS) {
      const ours = await titleRegion(shipped.get(id) as Buffer);
      const boxes = await titleRegion(bare.get(id) as Buffer);
      expect(ink(ours), id).toBeGreaterThan(1500);
      expect(differing(ours, boxes), id).toBeGreaterThan(1500);
    }
  }, 120_000);
});
