/**
 * The email lookup key: a keyed hash (HMAC-SHA256), never the bare sha256 anyone could recompute
 * from a guessed address, and one secret shared by bot and worker through Redis when none is set.
 */
import { createHash, createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import { readJobsConfig } from '../../src/jobs/config.ts';
import { emailLookupKey, lookupSecretKey, readLookupSecret } from '../../src/jobs/lookup-key.ts';
import { deleteKeys, REDIS_URL, uniquePrefix } from './redis-kit.ts';

const prefix = uniquePrefix('lookup');
const redis = new Redis(REDIS_URL);

afterAll(async () => {
  await deleteKeys(prefix);
  await redis.quit();
});

describe('emailLookupKey', () => {
  test('HMAC-SHA256 of the trimmed, lower-cased email under the secret, not its sha256', () => {
    const secret = 'a-test-secret-of-some-length';
    const key = emailLookupKey(secret, '  Ann.Lee@Example.ORG ');
    expect(key).toBe(createHmac('sha256', secret).update('ann.lee@example.org').digest('hex'));
    expect(key).toBe(emailLookupKey(secret, 'ann.lee@example.org'));
    expect(key).not.toBe(createHash('sha256').update('ann.lee@example.org').digest('hex'));
    expect(emailLookupKey('another-secret-of-some-length', 'ann.lee@example.org')).not.toBe(key);
  });
});

describe('readLookupSecret', () => {
  test('without LUMEN_LOOKUP_SECRET: a random 32-byte secret, created once in Redis under the prefix', async () => {
    const config = readJobsConfig({ LUMEN_QUEUE_PREFIX: prefix });
    expect(config.lookupSecret).toBeNull();
    const first = await readLookupSecret(redis, config);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    // A second reader (the worker, say, on its own connection) gets the same secret.
    const other = new Redis(REDIS_URL);
    try {
      expect(await readLookupSecret(other, config)).toBe(first);
    } finally {
      await other.quit();
    }
    expect(await redis.get(lookupSecretKey(prefix))).toBe(first);
    // Another prefix (another deployment on the same Redis) has its own secret.
    const elsewhere = readJobsConfig({ LUMEN_QUEUE_PREFIX: `${prefix}-b` });
    try {
      expect(await readLookupSecret(redis, elsewhere)).not.toBe(first);
    } finally {
      await redis.del(lookupSecretKey(`${prefix}-b`));
    }
  });

  test('LUMEN_LOOKUP_SECRET wins and nothing is written to Redis; a short one is refused', async () => {
    const own = uniquePrefix('lookup-own');
    const config = readJobsConfig({
      LUMEN_QUEUE_PREFIX: own,
      LUMEN_LOOKUP_SECRET: 'set-by-the-operator-0123',
    });
    expect(await readLookupSecret(redis, config)).toBe('set-by-the-operator-0123');
    expect(await redis.exists(lookupSecretKey(own))).toBe(0);
    expect(() => readJobsConfig({ LUMEN_LOOKUP_SECRET: 'short' })).toThrow(
      /LUMEN_LOOKUP_SECRET must be at least 16 characters/,
    );
  });
});
