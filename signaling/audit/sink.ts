// Where moderation events go. Signaling writes every moderation action here;
// the persistence layer makes it durable and tamper-evident (hash chain).
export type AuditAction =
  | 'lobby.admit'
  | 'lobby.deny'
  | 'peer.mute'
  | 'peer.stopVideo'
  | 'peer.remove'
  | 'peer.ban'
  | 'role.change'
  | 'room.lock'
  | 'room.unlock'
  | 'room.passcode'
  | 'room.lobby'
  | 'room.chat'
  | 'room.screenShare'
  | 'invite.create'
  | 'room.create'
  | 'room.update'
  | 'meeting.end'
  | 'sfu.drain'
  | 'sfu.undrain'
  /** An SFU node drained with migration: its rooms and participants moved to other nodes. */
  | 'sfu.migrate'
  /** The system's own: an SFU node left the live set and its rooms moved (actor `system`). */
  | 'sfu.failover'
  /** An admin ran the relay check: an ICE probe on an SFU node (target `node:<id>`). */
  | 'turn.probe'
  | 'booking.create'
  | 'booking.update'
  | 'booking.cancel'
  /** Access events: a refused join or sign-in, with the reason code in `details.code`. */
  | 'join.refused'
  | 'auth.failed';

export interface AuditEvent {
  readonly action: AuditAction;
  /** Who did it: a staff subject, `guest:<inviteId>` or `system`. */
  readonly actor: string;
  /** Whom or what it was done to (peer subject, booking id…), if anyone. */
  readonly target: string | undefined;
  readonly room: string | undefined;
  readonly at: Date;
  /** Action-specific details (serialisable). */
  readonly details: Record<string, unknown>;
  /** Client address when known (behind TRUST_PROXY: the forwarded one). */
  readonly ip: string | undefined;
}

export interface AuditSink {
  /** Resolves once the event is stored (durably, for the database sink). */
  record(event: AuditEvent): Promise<void>;
}

/** Keeps events in memory, in order: embedded tests and development. */
export function createMemoryAuditSink(): AuditSink & { events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  return {
    events,
    async record(event) {
      events.push(event);
    },
  };
}
