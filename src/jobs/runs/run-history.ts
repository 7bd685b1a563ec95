/**
 * Run history: the last 50 runs, newest first, in a capped Redis list (durable with Redis's AOF/RDB)
 * and mirrored to OUT/runs/history.json so it survives losing Redis and can be read without it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { RunRecord } from './run-record.ts';

export const HISTORY_LIMIT = 50;

export function historyKey(queuePrefix: string): string {
  return `${queuePrefix}:runs:history`;
}

export class RunHistory {
  constructor(
    private readonly redis: Redis,
    private readonly queuePrefix: string,
  ) {}

  async record(run: RunRecord): Promise<RunRecord[]> {
    const key = historyKey(this.queuePrefix);
    await this.redis
      .multi()
      .lpush(key, JSON.stringify(run))
      .ltrim(key, 0, HISTORY_LIMIT - 1)
      .exec();
    return this.list();
  }

  async list(limit = HISTORY_LIMIT): Promise<RunRecord[]> {
    const rows = await this.redis.lrange(historyKey(this.queuePrefix), 0, limit - 1);
    return rows.map((row) => JSON.parse(row) as RunRecord);
  }
}

/** Writes OUT/runs/history.json through a temporary file, so readers never see half of it. */
export function writeHistoryFile(outDir: string, runs: RunRecord[]): string {
  const dir = join(outDir, 'runs');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'history.json');
  const temp = join(dir, `.history-${process.pid}-${Date.now()}.json`);
  writeFileSync(temp, `${JSON.stringify(runs, null, 2)}\n`);
  renameSync(temp, path);
  return path;
}

/** OUT/runs/history.json: what `lumen status` can still show when Redis is down. */
export function readHistoryFile(outDir: string): RunRecord[] {
  const path = join(outDir, 'runs', 'history.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RunRecord[]) : [];
}
