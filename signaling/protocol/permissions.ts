// The one permission table: which meeting role may do what. Every request
// maps to an action (requestActions below) and the dispatcher checks it
// before any handler runs; handlers add only target checks (rank).
// Part of the client contract: the client greys out what the server would refuse.
import type { RequestType } from './requests.js';
import type { MeetingRole } from './roles.js';

export const actions = [
  'media.publish',
  'media.receive',
  'screen.share',
  'screen.shareWhenRestricted',
  'lobby.manage',
  'room.lock',
  'room.lobby',
  'room.passcode',
  'room.chatPolicy',
  'room.screenSharePolicy',
  'peer.mute',
  'peer.muteAll',
  'peer.stopVideo',
  'peer.askUnmute',
  'peer.remove',
  'peer.ban',
  'role.set',
  'role.transferHost',
  'meeting.end',
  'invite.create',
  'hand.raise',
  'hand.lowerOthers',
  'reaction.send',
  'chat.send',
  'chat.sendWhileDisabled',
] as const;
export type Action = (typeof actions)[number];

const everyone: readonly MeetingRole[] = ['host', 'cohost', 'participant', 'guest'];
const moderators: readonly MeetingRole[] = ['host', 'cohost'];
const hostOnly: readonly MeetingRole[] = ['host'];

export const permissionTable: Readonly<Record<Action, readonly MeetingRole[]>> = {
  'media.publish': everyone,
  'media.receive': everyone,
  'screen.share': everyone,
  'screen.shareWhenRestricted': moderators,
  'lobby.manage': moderators,
  'room.lock': moderators,
  'room.lobby': moderators,
  'room.passcode': hostOnly,
  'room.chatPolicy': moderators,
  'room.screenSharePolicy': moderators,
  'peer.mute': moderators,
  'peer.muteAll': moderators,
  'peer.stopVideo': moderators,
  'peer.askUnmute': moderators,
  'peer.remove': moderators,
  'peer.ban': moderators,
  'role.set': hostOnly,
  'role.transferHost': hostOnly,
  'meeting.end': hostOnly,
  'invite.create': moderators,
  'hand.raise': everyone,
  'hand.lowerOthers': moderators,
  'reaction.send': everyone,
  'chat.send': everyone,
  'chat.sendWhileDisabled': moderators,
};

export function can(role: MeetingRole, action: Action): boolean {
  return permissionTable[action].includes(role);
}

const rank: Record<MeetingRole, number> = { host: 3, cohost: 2, participant: 1, guest: 1 };

/** Moderation reaches only people of lower rank: a co-host cannot remove the host. */
export function outranks(actor: MeetingRole, target: MeetingRole): boolean {
  return rank[actor] > rank[target];
}

/**
 * What each request needs. `entry` requests (join, leave) decide for
 * themselves; every other one needs a joined member whose role allows the
 * action (a lobby member gets IN_LOBBY, anyone else NOT_JOINED).
 */
export const requestActions: Readonly<Record<RequestType, Action | 'entry'>> = {
  join: 'entry',
  leave: 'entry',
  createTransport: 'media.receive',
  closeTransport: 'media.receive',
  connectTransport: 'media.receive',
  restartIce: 'media.receive',
  ready: 'media.receive',
  resumeConsumer: 'media.receive',
  pauseConsumer: 'media.receive',
  setConsumerPreferredLayers: 'media.receive',
  produce: 'media.publish',
  pauseProducer: 'media.publish',
  resumeProducer: 'media.publish',
  closeProducer: 'media.publish',
  admit: 'lobby.manage',
  deny: 'lobby.manage',
  setRoomLock: 'room.lock',
  setLobby: 'room.lobby',
  setPasscode: 'room.passcode',
  setChatEnabled: 'room.chatPolicy',
  setScreenShareAllowed: 'room.screenSharePolicy',
  muteParticipant: 'peer.mute',
  muteAll: 'peer.muteAll',
  stopVideo: 'peer.stopVideo',
  askToUnmute: 'peer.askUnmute',
  removeParticipant: 'peer.remove',
  banParticipant: 'peer.ban',
  setRole: 'role.set',
  transferHost: 'role.transferHost',
  endMeeting: 'meeting.end',
  createInvite: 'invite.create',
  raiseHand: 'hand.raise',
  lowerHand: 'hand.raise',
  react: 'reaction.send',
  sendChat: 'chat.send',
  reportJoinTiming: 'media.receive',
};
