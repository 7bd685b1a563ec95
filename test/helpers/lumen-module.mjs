/**
 * Lumen's modules for the worker processes the tests spawn (plain JavaScript, run by node without
 * tsx, which costs each process ~2 s of CPU): the dist/ build when it was compiled from the sources
 * as they are now (vitest's global setup builds it before any test, as `lumen` itself runs it);
 * otherwise the sources, through tsx. Typed callers: test/helpers/*.ts import the sources.
 */
import { buildIsCurrent } from '../../scripts/build.mjs';

let fromSources = null;

/** The module at `path` under src/ (no extension), e.g. 'jobs/job-worker'. */
export async function lumenModule(path) {
  if (buildIsCurrent()) return import(new URL(`../../dist/${path}.js`, import.meta.url).href);
  fromSources ??= import('tsx/esm/api').then(({ register }) => register());
  await fromSources;
  return import(new URL(`../../src/${path}.ts`, import.meta.url).href);
}
