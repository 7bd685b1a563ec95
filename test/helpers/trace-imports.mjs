// `node --import ./test/helpers/trace-imports.mjs ...` with LUMEN_TRACE_IMPORTS=FILE: appends the URL
// of every module the process resolves through the ES module loader to FILE, one a line. The
// resolve hook runs before a module loads, so a package the code imports shows even when it is
// CommonJS (its own require() calls inside do not, but its entry does).
import { register } from 'node:module';

register('./trace-imports-hooks.mjs', import.meta.url, { data: { file: process.env.LUMEN_TRACE_IMPORTS } });
