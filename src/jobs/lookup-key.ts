/**
 * The key a learner is looked up by when asked for by email (`/lumen learner <email>`). An email is
 * learner data, so only this key goes into the job data (Redis): HMAC-SHA256 of the trimmed,
 * lower-cased email under a secret, so that nobody who can read Redis can find the address by
 * hashing guesses. The bot computes it from what was typed; the worker from the export's emails.
 *
 * The secret is LUMEN_LOOKUP_SECRET when set; otherwise a random 32-byte secret created once in
 * Redis under the queue prefix (SET NX: whoever comes first creates it) and read by bot and worker.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { JobsConfig } from './config.ts';
import { JobsError } from './jobs-error.ts';

/** The Redis key (under the queue prefix) of the generated secret. */
export function lookupSecretKey(queuePrefix: string): string {
  return `${queuePrefix}:lookup-secret`;
}

/** HMAC-SHA256 (hex) of the trimmed, lower-cased email under `secret`. */
export function emailLookupKey(secret: string, email: string): string {
  if (secret === '') throw new JobsError('BAD_CONFIG', 'the email lookup secret is empty');
  return createHmac('sha256', secret).update(email.trim().toLowerCase()).digest('hex');
}

/** LUMEN_LOOKUP_SECRET, or the secret in Redis (created on first use). */
export async function readLookupSecret(
  redis: Redis,
  jobsConfig: Pick<JobsConfig, 'lookupSecret' | 'queuePrefix'>,
): Promise<string> {
  if (jobsConfig.lookupSecret) return jobsConfig.lookupSecret;
  const key = lookupSecretKey(jobsConfig.queuePrefix);
  await redis.set(key, randomBytes(32).toString('hex'), 'NX');
  const secret = await redis.get(key);
  if (!secret) throw new JobsError('QUEUE_DOWN', 'the email lookup secret could not be read from Redis');
  return secret;
}
