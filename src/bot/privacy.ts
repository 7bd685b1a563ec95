/**
 * Where learner-level content may go: the channel it was asked in when that is a staff channel,
 * otherwise the requester's DM (the channel then gets only a short note, sent by the caller).
 */
import type { BotDeps } from './deps.ts';

export interface LearnerLevelDestination {
  readonly channel: string;
  /** True when the content goes to the requester's DM instead of the channel it was asked in. */
  readonly viaDm: boolean;
}

export function isStaffChannel(deps: BotDeps, channelId: string): boolean {
  return deps.botConfig.staffChannels.has(channelId);
}

export async function learnerLevelDestination(
  deps: BotDeps,
  channelId: string,
  userId: string,
): Promise<LearnerLevelDestination> {
  if (isStaffChannel(deps, channelId)) return { channel: channelId, viaDm: false };
  return { channel: await deps.publisher.openDm(userId), viaDm: true };
}

export function isAdmin(deps: BotDeps, userId: string): boolean {
  return deps.botConfig.adminUsers.has(userId);
}
