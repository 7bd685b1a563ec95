/**
 * The shipped font (DejaVu Sans from the dejavu-fonts-ttf package: Bitstream Vera licence, free to
 * redistribute) and a fontconfig file that lists only its folder, so charts look the same on every
 * machine, including CI and containers with no system fonts.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Folder of DejaVu*.ttf inside the installed package. */
export function fontDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A fontconfig file that knows our font folder and nothing else (no system configuration). */
export function fontconfigXml(fontFolder: string, cacheFolder: string): string {
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    `  <dir>${escapeXml(fontFolder)}</dir>`,
    `  <cachedir>${escapeXml(cacheFolder)}</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n');
}

let written: string | null = null;

/**
 * Writes the fontconfig file (once per process) into a temp folder named after the font folder, so
 * runs on one install share it and fontconfig's cache, and returns its path.
 */
export function ensureFontconfigFile(): string {
  if (written) return written;
  const fonts = fontDir();
  const folder = join(
    tmpdir(),
    `lumen-fontconfig-${createHash('sha256').update(fonts).digest('hex').slice(0, 12)}`,
  );
  mkdirSync(join(folder, 'cache'), { recursive: true });
  const path = join(folder, 'fonts.conf');
  // Written aside and renamed: another process may be reading the file at this moment.
  const partial = `${path}.${process.pid}`;
  writeFileSync(partial, fontconfigXml(fonts, join(folder, 'cache')));
  renameSync(partial, path);
  written = path;
  return path;
}
