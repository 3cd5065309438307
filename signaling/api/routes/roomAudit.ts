// What a room's audit row says about a change to the room: the settings as
// given, the passcode only as "set" or "removed" (never its value).
import { appendAudit } from '../../audit/dbSink.js';
import type { AuditAction } from '../../audit/sink.js';
import type { StaffIdentity } from '../../auth/identity.js';
import type { Room } from '../../catalog/rooms.js';
import type { Queryable } from '../../db/index.js';

export function roomChangeDetails(input: Record<string, unknown>): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || key === 'slug') continue;
    details[key] = key === 'passcode' ? (value === null ? 'removed' : 'set') : value;
  }
  return details;
}

export async function auditRoomChange(
  tx: Queryable,
  change: {
    action: Extract<AuditAction, 'room.create' | 'room.update'>;
    identity: StaffIdentity;
    ip: string | undefined;
    room: Room;
    input: Record<string, unknown>;
    at: Date;
  },
): Promise<void> {
  await appendAudit(tx, {
    action: change.action,
    actor: change.identity.subject,
    target: change.room.id,
    room: change.room.slug,
    at: change.at,
    details: {
      ...roomChangeDetails(change.input),
      ...(change.action === 'room.create' && { officeId: change.room.officeId }),
    },
    ip: change.ip,
  });
}
