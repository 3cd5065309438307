// Membership of rooms: the one path by which anybody stops being a member or
// stops waiting in a lobby — leaving, being removed or banned, a reconnect
// grace period running out, a dead node's peers being swept, a host or an
// admin ending the meeting. Each of them gets the same consequences: host
// succession, raised hands, the lobby queue for new moderators, meeting
// history, the room's notifications — and the SFU: a member who is gone has
// its SFU peer closed, and a meeting that is over has its SFU room closed
// (never merely because this node's last connection in it went).
import type { SfuApi } from '../../sfu/api/index.js';
import type { Logger } from '../core/logger.js';
import type { Notifier } from '../socket/notifier.js';
import { moderatorGroup } from '../socket/notifier.js';
import { forgetMember, lobbyView, type MemberState, type RoomControl } from './control.js';
import type { MeetingRecorder } from './meetingRecorder.js';
import type { MediaView } from './mediaView.js';
import { toPeerInfo } from './registry.js';
import type { RoomStateStore } from './stateStore.js';

export interface MembershipPorts {
  readonly store: RoomStateStore;
  readonly notify: Notifier;
  readonly meetings: MeetingRecorder;
  /** The rooms' producers: a promoted host's tile shows its media. */
  readonly media: Pick<MediaView, 'producersOf'>;
  readonly sfu: Pick<SfuApi, 'call'>;
  readonly log: Logger;
}

export interface RemoveOptions {
  /** The member is taken out only while this holds (guards against a resume in between). */
  still?: (member: MemberState) => boolean;
  /** Also bans the member's person id from the room, in the same write. */
  ban?: boolean;
}

export interface Membership {
  /** Takes a member out of its room; false when it was not (or no longer) there. */
  remove(room: string, peerId: string, options?: RemoveOptions): Promise<boolean>;
  /** Takes a waiting entry out of the lobby (if `still` holds for it); false when it was not there. */
  leaveLobby(room: string, peerId: string, still?: (socketId: string) => boolean): Promise<boolean>;
  /**
   * Marks members whose connection is gone (their node died) as reconnecting,
   * and drops that node's lobby entries. Returns the members newly marked.
   */
  markGone(room: string, gone: (node: string) => boolean, at: number): Promise<MemberState[]>;
  /**
   * Ends a room's meeting for everyone: the control state goes, the meeting's
   * history ends, every member and lobby entry is told `removed
   * {reason: 'meetingEnded'}` and disconnected (except `keepSocketId`, whose
   * reply is still to come). The SFU room closes with it. Returns the state
   * that was ended, if the room had one.
   */
  closeMeeting(room: string, keepSocketId?: string): Promise<RoomControl | undefined>;
}

/** When the host leaves, the longest-present co-host still connected takes over. */
function succession(control: RoomControl): MemberState | undefined {
  if (Object.values(control.members).some((m) => m.role === 'host')) return undefined;
  const next = Object.values(control.members)
    .filter((m) => m.role === 'cohost' && m.disconnectedAt === undefined)
    .sort((a, b) => a.joinedAt - b.joinedAt)[0];
  if (next) next.role = 'host';
  return next;
}

const isEmpty = (control: RoomControl) =>
  Object.keys(control.members).length === 0 && Object.keys(control.lobby).length === 0;

/**
 * Meeting history: a peer's stay ends (`peerId`), and with the last one out
 * the meeting (which also closes every stay still open). A failure is
 * logged: history never stops anyone leaving.
 */
export function recordDeparture(
  ports: { readonly meetings: MeetingRecorder; readonly log: Logger },
  meetingId: string,
  peerId: string | undefined,
  meetingOver: boolean,
): void {
  const record = async () => {
    if (peerId !== undefined) await ports.meetings.left(meetingId, peerId);
    if (meetingOver) await ports.meetings.ended(meetingId);
  };
  record().catch((error: unknown) =>
    ports.log.error({ err: error, meeting: meetingId }, 'meeting history not recorded'),
  );
}

interface Removal {
  state: RoomControl | undefined;
  meetingId: string | undefined;
  promoted: MemberState | undefined;
  handWasUp: boolean;
}

export function createMembership(ports: MembershipPorts): Membership {
  const { store, notify } = ports;

  /** The member's media goes with it, wherever its connection was. */
  async function closePeer(room: string, peerId: string): Promise<void> {
    try {
      await ports.sfu.call('closePeer', { roomId: room, peerId });
    } catch (error) {
      ports.log.error({ err: error, room, peer: peerId }, 'SFU peer not closed');
    }
  }

  /**
   * The meeting is over (nobody left, nobody waiting): its SFU room goes. A
   * meeting that started again meanwhile keeps it.
   */
  async function closeRoom(room: string, force = false): Promise<void> {
    try {
      if (!force && (await store.read(room))) return;
      await ports.sfu.call('closeRoom', { roomId: room });
    } catch (error) {
      ports.log.error({ err: error, room }, 'SFU room not closed');
    }
  }

  /** Tells the room that a member is gone (and who hosts now, if that changed). */
  function announce(room: string, peerId: string, removal: Removal): void {
    const { state, promoted, handWasUp, meetingId } = removal;
    if (meetingId) recordDeparture(ports, meetingId, peerId, state === undefined);
    notify.toRoom(room, 'peerLeft', { peerId });
    if (handWasUp && state) notify.toRoom(room, 'handsChanged', { hands: state.hands });
    if (promoted && state) {
      notify.setGroup(promoted.socketId, moderatorGroup(room), true);
      notify.toRoom(room, 'peerUpdated', {
        peer: toPeerInfo(promoted, ports.media.producersOf(room, promoted.peerId)),
      });
      notify.toModerators(room, 'lobbyChanged', { lobby: lobbyView(state) });
    }
  }

  return {
    async remove(room, peerId, options = {}) {
      const removal = await store.update<Removal | undefined>(room, (state) => {
        const member = state?.members[peerId];
        if (!state || !member || (options.still && !options.still(member)))
          return { next: state, result: undefined };
        if (options.ban && !state.banned.includes(member.userId)) state.banned.push(member.userId);
        const handWasUp = state.hands.includes(peerId);
        forgetMember(state, peerId);
        const promoted = succession(state);
        const next = isEmpty(state) ? undefined : state;
        return {
          next,
          result: { state: next, meetingId: state.meetingId, promoted, handWasUp },
        };
      });
      if (!removal) return false;
      announce(room, peerId, removal);
      await closePeer(room, peerId);
      if (!removal.state) await closeRoom(room);
      return true;
    },

    async leaveLobby(room, peerId, still = () => true) {
      const lobby = await store.update(room, (state) => {
        const entry = state?.lobby[peerId];
        if (!state || !entry || !still(entry.socketId)) return { next: state, result: undefined };
        delete state.lobby[peerId];
        return {
          next: isEmpty(state) ? undefined : state,
          result: { lobby: lobbyView(state), over: isEmpty(state) },
        };
      });
      if (!lobby) return false;
      notify.toModerators(room, 'lobbyChanged', { lobby: lobby.lobby });
      if (lobby.over) await closeRoom(room);
      return true;
    },

    async markGone(room, gone, at) {
      interface Marked {
        dropped: MemberState[];
        lobbyChanged: boolean;
        state: RoomControl | undefined;
      }
      const marked = await store.update<Marked>(room, (state) => {
        if (!state) return { next: state, result: { dropped: [], lobbyChanged: false, state } };
        const dropped = Object.values(state.members).filter(
          (m) => gone(m.node) && m.disconnectedAt === undefined,
        );
        for (const member of dropped) member.disconnectedAt = at;
        const waiting = Object.values(state.lobby).filter((e) => gone(e.node));
        for (const entry of waiting) delete state.lobby[entry.peerId];
        return {
          next: isEmpty(state) ? undefined : state,
          result: { dropped, lobbyChanged: waiting.length > 0, state },
        };
      });
      // Only the node whose write marked them gets them here, so the room hears it once.
      for (const member of marked.dropped)
        notify.toRoom(room, 'peerUpdated', {
          peer: toPeerInfo(member, ports.media.producersOf(room, member.peerId)),
        });
      if (marked.lobbyChanged && marked.state)
        notify.toModerators(room, 'lobbyChanged', { lobby: lobbyView(marked.state) });
      if (marked.state && isEmpty(marked.state)) await closeRoom(room);
      return marked.dropped;
    },

    async closeMeeting(room, keepSocketId) {
      const ended = await store.update(room, (state) => ({ next: undefined, result: state }));
      if (ended?.meetingId) recordDeparture(ports, ended.meetingId, undefined, true);
      for (const person of [
        ...Object.values(ended?.members ?? {}),
        ...Object.values(ended?.lobby ?? {}),
      ]) {
        notify.toSocket(person.socketId, 'removed', { reason: 'meetingEnded' });
        if (person.socketId !== keepSocketId) notify.disconnect(person.socketId);
      }
      // Ending for everyone is the explicit end of the room's media.
      await closeRoom(room, true);
      return ended;
    },
  };
}
