/**
 * Members of Slack user groups (usergroups.users.list, scope usergroups:read), cached for a few
 * minutes so a burst of requests costs one call per group. A group that cannot be read (missing
 * scope, unknown group, Slack down) has no members until the next try: access fails closed, and the
 * reason is logged once per failure streak.
 */
import type { WebClient } from '@slack/web-api';
import type { BotLog } from './deps.ts';
import type { UsergroupMembers } from './privacy.ts';

export const USERGROUP_CACHE_MS = 5 * 60 * 1000;
/** After a failed read, try again sooner than a full cache period. */
const RETRY_AFTER_FAILURE_MS = 30 * 1000;

interface Entry {
  readonly members: Promise<ReadonlySet<string>>;
  readonly until: number;
}

export class SlackUsergroupMembers implements UsergroupMembers {
  private readonly cache = new Map<string, Entry>();
  private readonly failing = new Set<string>();

  constructor(
    private readonly client: Pick<WebClient, 'usergroups'>,
    private readonly log: BotLog,
    private readonly ttlMs = USERGROUP_CACHE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async has(usergroup: string, userId: string): Promise<boolean> {
    return (await this.members(usergroup)).has(userId);
  }

  private members(usergroup: string): Promise<ReadonlySet<string>> {
    const cached = this.cache.get(usergroup);
    if (cached && cached.until > this.now()) return cached.members;
    const members = this.client.usergroups.users
      .list({ usergroup })
      .then((reply) => {
        this.failing.delete(usergroup);
        return new Set(reply.users ?? []) as ReadonlySet<string>;
      })
      .catch((error: unknown) => {
        const slackError = (error as { data?: { error?: string } }).data?.error;
        if (!this.failing.has(usergroup))
          this.log(
            `usergroups.users.list ${usergroup} failed (${slackError ?? (error instanceof Error ? error.message : String(error))}): its members are not staff until it can be read (the app needs usergroups:read)`,
          );
        this.failing.add(usergroup);
        this.cache.set(usergroup, { members, until: this.now() + RETRY_AFTER_FAILURE_MS });
        return new Set<string>() as ReadonlySet<string>;
      });
    this.cache.set(usergroup, { members, until: this.now() + this.ttlMs });
    return members;
  }
}
