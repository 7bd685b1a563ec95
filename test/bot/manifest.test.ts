/**
 * manifest.json asks for the scopes the code uses and no more, and the README's Slack set-up lists
 * the same ones. The Web API calls are found in src/ itself, so a new call without its scope fails.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as {
  features: { app_home?: Record<string, boolean>; slash_commands: unknown[] };
  oauth_config: { scopes: { bot: string[] } };
};
const scopes = manifest.oauth_config.scopes.bot;

/** The scope each Web API method the code may call needs (bot token). */
const SCOPE_OF: Record<string, string[]> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'files.uploadV2': ['files:write'],
  'conversations.open': ['im:write'],
  // A post is looked for in a public or private channel, or a direct message (a list sent to a DM).
  'conversations.history': ['channels:history', 'groups:history', 'im:history'],
  'usergroups.users.list': ['usergroups:read'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('manifest.json', () => {
  test('every Web API method called in src/ has its scope, and no scope is asked for without a use', () => {
    const called = new Set<string>();
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bclient\.((?:[a-z]+\.)+[a-zA-Z0-9]+)\(/g))
        called.add(match[1] ?? '');
    }
    expect(called.size).toBeGreaterThan(0);
    for (const method of called) {
      expect(Object.keys(SCOPE_OF), `a scope for ${method}`).toContain(method);
      for (const scope of SCOPE_OF[method] ?? []) expect(scopes, `${method} needs ${scope}`).toContain(scope);
    }
    // `commands` for /lumen; usergroups:read for staff user groups (usergroups.users.list).
    const needed = new Set(['commands', 'usergroups:read', ...[...called].flatMap((m) => SCOPE_OF[m] ?? [])]);
    expect([...scopes].sort()).toEqual([...needed].sort());
    expect(scopes).not.toContain('users:read');
  });

  test('the App Home messages tab is enabled (read-only), so the bot DM can be opened', () => {
    expect(manifest.features.app_home).toMatchObject({ messages_tab_enabled: true });
  });

  test("the README's Slack set-up names exactly the manifest's scopes", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    // Step 3 of the set-up, up to the note about older installs (which names the dropped users:read).
    const step = readme.slice(
      readme.indexOf('3. **Install to Workspace**'),
      readme.indexOf('An app installed from an older manifest'),
    );
    expect(step.length).toBeGreaterThan(100);
    const setup = step;
    const named = [...setup.matchAll(/`([a-z]+:[a-z]+|commands)`/g)].map((m) => m[1]);
    expect(new Set(named)).toEqual(new Set(scopes));
  });
});
