import { randomUUID } from 'node:crypto';
import type { Identity } from '../auth/identity.js';

/** A person's stable id in room state, bans and chat: never a socket id for staff or guests. */
export function userIdOf(identity: Identity, anonymousId: string): string {
  switch (identity.kind) {
    case 'staff':
      return identity.subject;
    case 'guest':
      return `guest:${identity.inviteId}`;
    case 'anonymous':
      return `anon:${anonymousId}`;
  }
}

/** Staff names come from the token; invite names from the invite; others choose. */
export function displayNameOf(identity: Identity, requested: string): string {
  if (identity.kind === 'staff') return identity.displayName;
  if (identity.kind === 'guest' && identity.displayName) return identity.displayName;
  return requested;
}

export const newPeerId = (): string => randomUUID();
