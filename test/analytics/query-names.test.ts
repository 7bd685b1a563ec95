/** The typed list of query names is exactly the files in queries/, and a misspelt name fails tsc. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadQuery, QUERIES_DIR } from '../../src/analytics/db.ts';
import { QUERY_NAMES } from '../../src/analytics/query-names.ts';

function sqlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sqlFiles(join(dir, entry.name))
      : entry.name.endsWith('.sql')
        ? [entry.name.slice(0, -4)]
        : [],
  );
}

test('QUERY_NAMES lists every queries/**/*.sql file and nothing else', () => {
  expect([...QUERY_NAMES].sort()).toEqual(sqlFiles(QUERIES_DIR).sort());
  for (const name of QUERY_NAMES) expect(loadQuery(name).length).toBeGreaterThan(0);
});

test('a misspelt query name is refused at run time too (tsc refuses it first)', () => {
  // `npx tsc --noEmit` checks this line: without the directive, 'stg_user' is a type error.
  // @ts-expect-error 'stg_user' is not a query (stg_users is)
  expect(() => loadQuery('stg_user')).toThrow();
});
