/**
 * Before any test: compile src/ to dist/ when a source changed since the last build, so the `lumen`
 * the CLI tests spawn (bin/lumen.mjs runs dist/) is never older than the sources the other tests
 * import. Nothing happens when the build is current.
 *
 * Also makes this run's folder of shared fixtures (test/helpers/shared-fixtures.ts: generated
 * exports and a scored run, each built once by the first file that needs it) and hands it to the
 * test files; at the end, fails the run if a test wrote into a shared fixture, then removes it.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { build } from '../scripts/build.mjs';
import { changedFixtureFiles, MANIFEST } from './helpers/fixture-manifest.ts';

export default function setup(project: TestProject): () => void {
  build({ ifStale: true });
  const root = mkdtempSync(join(tmpdir(), 'lumen-fixtures-'));
  project.provide('lumenFixtureRoot', root);
  return () => {
    const changed = readdirSync(root)
      .filter((name) => existsSync(join(root, name, MANIFEST)))
      .flatMap((name) => changedFixtureFiles(join(root, name)).map((file) => `${name}/${file}`));
    rmSync(root, { recursive: true, force: true });
    if (changed.length > 0) {
      // Vitest reports an error thrown here but still exits 0: fail the run explicitly.
      process.exitCode = 1;
      throw new Error(
        `Tests wrote into shared read-only fixtures (copy them with copiedExport/copyFixture): ${changed.join(', ')}`,
      );
    }
  };
}
