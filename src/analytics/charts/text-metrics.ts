/**
 * Text widths from the shipped font's own advance widths. Vega lays out titles, labels and legends by
 * measuring text; without a canvas package it guesses 0.8 em per character, which makes charts far
 * wider than the text librsvg then draws. Reading the .ttf's hmtx and cmap tables gives the widths the
 * PNG really has (kerning aside), with no native dependency.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import { fontDir } from './fonts.ts';

export interface AdvanceWidths {
  readonly unitsPerEm: number;
  /** Advance width in font units of a character code, or the font's missing-glyph width. */
  advance(codePoint: number): number;
}

interface TableEntry {
  readonly offset: number;
  readonly length: number;
}

function tables(font: DataView): Map<string, TableEntry> {
  const count = font.getUint16(4);
  const found = new Map<string, TableEntry>();
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16;
    const tag = String.fromCharCode(
      font.getUint8(at),
      font.getUint8(at + 1),
      font.getUint8(at + 2),
      font.getUint8(at + 3),
    );
    found.set(tag, { offset: font.getUint32(at + 8), length: font.getUint32(at + 12) });
  }
  return found;
}

function requireTable(all: Map<string, TableEntry>, tag: string): TableEntry {
  const table = all.get(tag);
  if (!table) throw new Error(`font has no ${tag} table`);
  return table;
}

/** Glyph ids of the Basic Multilingual Plane from the Windows Unicode cmap subtable (format 4). */
function bmpGlyphIds(font: DataView, cmap: TableEntry): Map<number, number> {
  const subtables = font.getUint16(cmap.offset + 2);
  let format4: number | null = null;
  for (let i = 0; i < subtables; i++) {
    const at = cmap.offset + 4 + i * 8;
    const platform = font.getUint16(at);
    const encoding = font.getUint16(at + 2);
    const offset = cmap.offset + font.getUint32(at + 4);
    if (platform === 3 && encoding === 1 && font.getUint16(offset) === 4) format4 = offset;
  }
  if (format4 === null) throw new Error('font has no Unicode BMP cmap');
  const segments = font.getUint16(format4 + 6) / 2;
  const endCodes = format4 + 14;
  const startCodes = endCodes + segments * 2 + 2;
  const deltas = startCodes + segments * 2;
  const rangeOffsets = deltas + segments * 2;
  const glyphs = new Map<number, number>();
  for (let s = 0; s < segments; s++) {
    const end = font.getUint16(endCodes + s * 2);
    const start = font.getUint16(startCodes + s * 2);
    const delta = font.getInt16(deltas + s * 2);
    const rangeOffsetAt = rangeOffsets + s * 2;
    const rangeOffset = font.getUint16(rangeOffsetAt);
    for (let code = start; code <= end && code !== 0xffff; code++) {
      let glyph: number;
      if (rangeOffset === 0) glyph = (code + delta) & 0xffff;
      else {
        const raw = font.getUint16(rangeOffsetAt + rangeOffset + (code - start) * 2);
        glyph = raw === 0 ? 0 : (raw + delta) & 0xffff;
      }
      if (glyph !== 0) glyphs.set(code, glyph);
    }
  }
  return glyphs;
}

export function readAdvanceWidths(ttf: Uint8Array): AdvanceWidths {
  const font = new DataView(ttf.buffer, ttf.byteOffset, ttf.byteLength);
  const all = tables(font);
  const unitsPerEm = font.getUint16(requireTable(all, 'head').offset + 18);
  const metricCount = font.getUint16(requireTable(all, 'hhea').offset + 34);
  const hmtx = requireTable(all, 'hmtx').offset;
  const glyphAdvance = (glyph: number) => font.getUint16(hmtx + Math.min(glyph, metricCount - 1) * 4);
  const glyphs = bmpGlyphIds(font, requireTable(all, 'cmap'));
  const cache = new Map<number, number>();
  return {
    unitsPerEm,
    advance(codePoint: number): number {
      let width = cache.get(codePoint);
      if (width === undefined) {
        width = glyphAdvance(glyphs.get(codePoint) ?? 0);
        cache.set(codePoint, width);
      }
      return width;
    },
  };
}

export function textWidth(font: AdvanceWidths, text: string, fontSize: number): number {
  let units = 0;
  for (const char of text) units += font.advance(char.codePointAt(0) ?? 0);
  return (units / font.unitsPerEm) * fontSize;
}

/** The fields of a Vega text item that decide its width. */
interface TextItem {
  readonly fontSize?: number | string | null;
  readonly fontWeight?: number | string | null;
  readonly limit?: number | null;
}

function isBold(weight: TextItem['fontWeight']): boolean {
  if (weight === null || weight === undefined) return false;
  if (typeof weight === 'number') return weight >= 600;
  return weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
}

/** vega re-exports vega-scenegraph's textMetrics, but its typings do not declare it. */
interface VegaTextMetrics {
  width: (item: TextItem, text: unknown) => number;
}

let installed = false;

/** Makes Vega measure text with the shipped DejaVu Sans (regular and bold). Idempotent. */
export function useShippedFontMetrics(): void {
  if (installed) return;
  const regular = readAdvanceWidths(readFileSync(join(fontDir(), 'DejaVuSans.ttf')));
  const bold = readAdvanceWidths(readFileSync(join(fontDir(), 'DejaVuSans-Bold.ttf')));
  const { textMetrics } = vega as unknown as { textMetrics: VegaTextMetrics };
  textMetrics.width = (item: TextItem, text: unknown): number => {
    const size = item.fontSize === null || item.fontSize === undefined ? 11 : Number(item.fontSize) || 0;
    const font = isBold(item.fontWeight) ? bold : regular;
    const value = text === null || text === undefined ? '' : String(text).trim();
    const limit = Number(item.limit ?? 0);
    if (size <= 0) return 0;
    const full = textWidth(font, value, size);
    // Vega calls this both for bounds and inside its own truncation, which only cuts the text when
    // this returns >= limit. So a text that does not fit measures exactly `limit` (the truncated
    // text's width, give or take part of a glyph): returning the truncated width made Vega lay out
    // the cut label but draw it whole, over the axis title.
    return limit > 0 && full >= limit ? limit : full;
  };
  installed = true;
}
