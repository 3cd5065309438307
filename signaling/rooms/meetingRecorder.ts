// Meeting history as signaling sees it: a meeting starts when a room's
// control state is created and ends when it is deleted; members join and
// leave in between. The database recorder writes the history tables; the
// memory one keeps the same records for tests of signaling alone.
import type { Queryable } from '../db/index.js';
import { meetingEnded, meetingStarted, peerJoined, peerLeft } from '../meetings/history.js';

export interface MeetingRecorder {
  started(meetingId: string, room: string): Promise<void>;
  joined(
    meetingId: string,
    peer: { peerId: string; userId: string; displayName: string },
  ): Promise<void>;
  left(meetingId: string, peerId: string): Promise<void>;
  ended(meetingId: string): Promise<void>;
}

export function createDatabaseMeetingRecorder(db: Queryable): MeetingRecorder {
  return {
    async started(meetingId, room) {
      await meetingStarted(db, { id: meetingId, roomSlug: room, at: new Date() });
    },
    async joined(meetingId, peer) {
      await peerJoined(db, meetingId, {
        peerId: peer.peerId,
        userKey: peer.userId,
        displayName: peer.displayName,
        at: new Date(),
      });
    },
    async left(meetingId, peerId) {
      await peerLeft(db, meetingId, peerId, new Date());
    },
    async ended(meetingId) {
      await meetingEnded(db, meetingId, new Date());
    },
  };
}

export interface RecordedMeeting {
  room: string;
  startedAt: Date;
  endedAt: Date | undefined;
  stays: {
    peerId: string;
    userId: string;
    displayName: string;
    joinedAt: Date;
    leftAt: Date | undefined;
  }[];
}

export function createMemoryMeetingRecorder(): MeetingRecorder & {
  meetings: Map<string, RecordedMeeting>;
} {
  const meetings = new Map<string, RecordedMeeting>();
  return {
    meetings,
    async started(meetingId, room) {
      meetings.set(meetingId, { room, startedAt: new Date(), endedAt: undefined, stays: [] });
    },
    async joined(meetingId, peer) {
      meetings.get(meetingId)?.stays.push({ ...peer, joinedAt: new Date(), leftAt: undefined });
    },
    async left(meetingId, peerId) {
      for (const stay of meetings.get(meetingId)?.stays ?? [])
        if (stay.peerId === peerId && !stay.leftAt) stay.leftAt = new Date();
    },
    async ended(meetingId) {
      const meeting = meetings.get(meetingId);
      if (!meeting) return;
      meeting.endedAt = new Date();
      for (const stay of meeting.stays) stay.leftAt ??= meeting.endedAt;
    },
  };
}
