// What the admin dashboard reads: offices, their rooms and meeting history.
import { createApiFetch, type RoomView } from '../bookings/api.js';

export interface Office {
  readonly id: string;
  readonly name: string;
  readonly organisationId: string | null;
}

export interface MeetingRecord {
  readonly id: string;
  readonly room: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly peakParticipants: number;
  readonly participants: readonly { displayName: string; seconds: number }[];
}

export interface AdminApi {
  offices(): Promise<Office[]>;
  rooms(officeId: string): Promise<RoomView[]>;
  meetings(officeId: string, limit: number): Promise<MeetingRecord[]>;
}

export function createAdminApi(token: () => string | undefined): AdminApi {
  const { json } = createApiFetch(token);
  const office = (id: string) => `/api/offices/${encodeURIComponent(id)}`;
  return {
    offices: async () => (await json<{ offices: Office[] }>('GET', '/api/offices')).offices,
    rooms: async (officeId) =>
      (await json<{ rooms: RoomView[] }>('GET', `/api/rooms?${new URLSearchParams({ officeId })}`))
        .rooms,
    meetings: async (officeId, limit) =>
      (
        await json<{ meetings: MeetingRecord[] }>(
          'GET',
          `${office(officeId)}/meetings?${new URLSearchParams({ limit: String(limit) })}`,
        )
      ).meetings,
  };
}
