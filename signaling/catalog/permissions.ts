// Who may manage an office's rooms and bookings: admins anywhere, staff in
// their own office only.
import type { StaffIdentity } from '../auth/identity.js';
import { forbidden } from '../core/domainError.js';

export function canManageOffice(identity: StaffIdentity, officeId: string): boolean {
  return identity.globalRole === 'admin' || identity.office === officeId;
}

export function requireOffice(identity: StaffIdentity, officeId: string, what: string): void {
  if (!canManageOffice(identity, officeId))
    throw forbidden(`only office ${officeId} staff or an admin may ${what}`);
}

export function requireAdmin(identity: StaffIdentity, what: string): void {
  if (identity.globalRole !== 'admin') throw forbidden(`only an admin may ${what}`);
}
