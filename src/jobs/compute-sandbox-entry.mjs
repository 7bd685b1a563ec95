// Entry BullMQ forks for sandboxed jobs when the worker runs from the TypeScript sources (the tests:
// vitest, tsx). The built worker (dist/jobs/job-worker.js, what `lumen worker` runs) forks
// dist/jobs/compute-sandbox.js instead, with no TypeScript at run time.
//
// When dist/ is current (compiled from the sources as they are now: vitest's global setup builds it
// before the tests), the child loads that build of the same processor, which saves every fork the
// ~0.7 s of CPU that loading the sources through tsx costs. Otherwise it registers tsx and loads the
// processor from the sources.
import { buildIsCurrent } from '../../scripts/build.mjs';

async function loadProcessor() {
  if (buildIsCurrent()) return import('../../dist/jobs/compute-sandbox.js');
  const { register } = await import('tsx/esm/api');
  register();
  return import('./compute-sandbox.ts');
}

const processor = await loadProcessor();

export default processor.default;
