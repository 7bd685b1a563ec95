// Entry BullMQ forks for sandboxed jobs: registers tsx so the TypeScript processor loads without a
// build step (like bin/lumen.mjs), then re-exports it.
import { register } from 'tsx/esm/api';

// An orphaned child (its worker was killed) must not go on writing a run another worker now owns.
process.on('disconnect', () => process.exit(1));
register();
const processor = await import('./compute-sandbox.ts');

export default processor.default;
