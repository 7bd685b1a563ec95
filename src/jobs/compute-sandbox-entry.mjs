// Entry BullMQ forks for sandboxed jobs when the worker runs from the TypeScript sources (the tests:
// vitest, tsx): registers tsx so the processor loads, then re-exports it. The built worker
// (dist/jobs/job-worker.js, what `lumen worker` runs) forks dist/jobs/compute-sandbox.js instead,
// with no TypeScript at run time.
import { register } from 'tsx/esm/api';

register();
const processor = await import('./compute-sandbox.ts');

export default processor.default;
