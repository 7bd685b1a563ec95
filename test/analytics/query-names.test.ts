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

// Never called: `npx tsc --noEmit` checks that a misspelt query name is a type error.
export function misspeltQueryName(): string {
  // @ts-expect-error 'stg_user' is not a query (stg_users is)
  return loadQuery('stg_user');
}
