/**
 * `lumen digest --dry-run [--out DIR]`: builds this week's digest from OUT/latest and writes
 * digest.json (the Block Kit message), the chart images and the at-risk CSV into DIR. No Slack call
 * and no Redis: the new / still-at-risk split compares with the previous run folder.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type KnownBlock, section } from '../../slack/index.ts';
import type { LearnerScope } from '../contracts.ts';
import { planDigest } from './plan.ts';

export interface DigestDryRunOptions {
  /** Output folder holding runs/ and latest. */
  readonly outDir: string;
  /** Where the preview files go (default OUT/digest-dry-run). */
  readonly out?: string;
  /** Learners listed with buttons (default 10, at most 20). */
  readonly top?: number;
  /** LUMEN_MODEL_MAX_AGE_DAYS: the digest warns about an older model. */
  readonly modelMaxAgeDays: number;
  readonly now?: Date;
  /** A course's digest (its learners only); default null: the programme digest. */
  readonly scope?: LearnerScope;
}

export interface DigestDryRun {
  readonly blocks: KnownBlock[];
  readonly text: string;
  /** Absolute paths written: digest.json, the charts, the CSV. */
  readonly files: string[];
}

export async function runDigestDryRun(options: DigestDryRunOptions): Promise<DigestDryRun> {
  const outDir = resolve(options.outDir);
  const out = resolve(options.out ?? join(outDir, 'digest-dry-run'));
  const plan = planDigest({
    outDir,
    scope: options.scope ?? null,
    last: null,
    now: options.now ?? new Date(),
    modelMaxAgeDays: options.modelMaxAgeDays,
    ...(options.top !== undefined ? { top: options.top } : {}),
  });
  mkdirSync(out, { recursive: true });
  const files: string[] = [];
  let blocks: KnownBlock[];
  let text: string;
  if (plan.kind === 'quiet') {
    text = plan.text;
    blocks = [section(text)];
  } else {
    const { content } = plan;
    blocks = content.blocks;
    text = content.text;
    for (const chart of content.charts) {
      const path = join(out, chart.name);
      copyFileSync(chart.path, path);
      files.push(path);
    }
    if (content.atRiskCsv !== null) {
      const path = join(out, content.csvName);
      writeFileSync(path, content.atRiskCsv);
      files.push(path);
    }
  }
  const json = join(out, 'digest.json');
  writeFileSync(json, `${JSON.stringify({ text, blocks }, null, 2)}\n`);
  files.unshift(json);
  return { blocks, text, files };
}
