// Who is calling. Staff identities come from the workspace's JWT; guests from
// a signed invite link; anonymous visitors exist only in embedded mode.
import type { MeetingRole } from '../protocol/roles.js';

export type GlobalRole = 'staff' | 'admin';

export interface StaffIdentity {
  readonly kind: 'staff';
  /** The JWT `sub`: stable user id in the workspace. */
  readonly subject: string;
  /** From the token; staff cannot change it. */
  readonly displayName: string;
  /** Office (organisational unit) id from the token, if any. */
  readonly office: string | undefined;
  readonly globalRole: GlobalRole;
}

export interface GuestIdentity {
  readonly kind: 'guest';
  /** Id of the invite that admitted them (for audit). */
  readonly inviteId: string;
  /** The only room the invite opens. */
  readonly room: string;
  /** Role the invite grants in that room (default guest). */
  readonly role: MeetingRole;
  /** Name fixed by the invite, if it sets one. */
  readonly displayName: string | undefined;
}

export interface AnonymousIdentity {
  readonly kind: 'anonymous';
}

export type Identity = StaffIdentity | GuestIdentity | AnonymousIdentity;
