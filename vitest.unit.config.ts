/**
 * `npm run test:unit`: the test files that need neither Redis nor Chromium, for a quick check while
 * working. A file is left out when it talks to Redis (the helpers redis-kit, redis-proxy,
 * published-run, or ioredis/BullMQ directly); the dashboard's browser tests are skipped
 * (LUMEN_TEST_BROWSER=off) while the rest of that file runs. `npm test` runs everything.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

const NEEDS_REDIS = /redis-kit|redis-proxy|published-run|from 'ioredis'|from 'bullmq'/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const needsRedis = testFiles('test').filter((path) => NEEDS_REDIS.test(readFileSync(path, 'utf8')));

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: ['**/node_modules/**', ...needsRedis],
      env: { LUMEN_TEST_BROWSER: 'off' },
    },
  }),
);
