// Entry BullMQ forks for sandboxed jobs when the worker runs from the TypeScript sources (the tests:
// vitest, tsx). The built worker (dist/jobs/job-worker.js, what `lumen worker` runs) forks
// dist/jobs/compute-sandbox.js instead, with no TypeScript at run time.
//
// When dist/ is current (compiled from the sources as they are now: vitest's global setup builds it
// before the tests), the child loads that build of the same processor, which saves every fork the
// ~0.7 s of CPU that loading the sources through tsx costs; otherwise the sources through tsx
// (lumenModule in scripts/build.mjs).
import { lumenModule } from '../../scripts/build.mjs';

const processor = await lumenModule('jobs/compute-sandbox');

export default processor.default;
