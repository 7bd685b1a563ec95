#!/usr/bin/env node
// Runs the built CLI (dist/, compiled by `npm run build`, which `npm install` runs as its prepare
// step): no TypeScript at run time.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('lumen: dist/cli.js is missing: run `npm run build` (npm install runs it)\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
