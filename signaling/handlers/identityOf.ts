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

/**
 * The one person behind a member, for what must belong to them alone: an
 * admission from the lobby, private chat. Staff are who their token says. An
 * invite link may be forwarded, so `guest:<inviteId>` says how someone was
 * invited, not who they are: a guest is their own place (peer id, kept across
 * a resume). Anonymous ids are per connection already. (Bans, meant to last,
 * go by `userId`: a guest's ban bans their link.)
 */
export function personIdOf(person: { userId: string; peerId: string; guest: boolean }): string {
  return person.guest ? `${person.userId}/${person.peerId}` : person.userId;
}

/** Staff have a lasting id to recognise them by; a link or an anonymous visitor does not. */
export const hasLastingId = (identity: Identity): boolean => identity.kind === 'staff';

/** Staff names come from the token; invite names from the invite; others choose. */
export function displayNameOf(identity: Identity, requested: string): string {
  if (identity.kind === 'staff') return identity.displayName;
  if (identity.kind === 'guest' && identity.displayName) return identity.displayName;
  return requested;
}

export const newPeerId = (): string => randomUUID();
