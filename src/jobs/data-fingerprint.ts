/**
 * A fingerprint of the raw export plus the settings that change what a model learns: when both match
 * the last good run, a refresh scores with the saved model instead of retraining.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';

export async function dataFingerprint(dataDir: string, config: Config): Promise<string> {
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({
      tz: config.tz,
      dropoutDays: config.dropoutDays,
      minClass: config.minClass,
      minAuc: config.minAuc,
      // Only when set, so fingerprints from before LUMEN_DATE_ORDER existed still match.
      ...(config.dateOrder ? { dateOrder: config.dateOrder } : {}),
    }),
  );
  const files = existsSync(dataDir)
    ? readdirSync(dataDir)
        .filter((name) => /^lms_.*\.csv$/i.test(name))
        .sort()
    : [];
  for (const name of files) {
    hash.update(`\n${name}\n`);
    for await (const chunk of createReadStream(join(dataDir, name))) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
