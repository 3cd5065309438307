// Meeting roles: what someone is in one meeting. Part of the client contract:
// the permission table, the participant list and role changes speak in them.
import { z } from 'zod';

export const meetingRoleSchema = z.enum(['host', 'cohost', 'participant', 'guest']);
export type MeetingRole = z.infer<typeof meetingRoleSchema>;
/** The same type, under the name the socket messages have always used. */
export type MeetingRoleName = MeetingRole;
