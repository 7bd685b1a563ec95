/**
 * Before any test: compile src/ to dist/ when a source changed since the last build, so the `lumen`
 * the CLI tests spawn (bin/lumen.mjs runs dist/) is never older than the sources the other tests
 * import. Nothing happens when the build is current.
 */
import { build } from '../scripts/build.mjs';

export default function setup(): void {
  build({ ifStale: true });
}
