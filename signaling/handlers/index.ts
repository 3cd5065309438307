// Every request type has exactly one handler; a new message without one does
// not compile. Permissions are checked before these run (see permissions.ts).
import { sendChat } from './chat.js';
import { ready, resumeConsumer } from './consume.js';
import { pauseConsumer, setConsumerPreferredLayers } from './consumerControl.js';
import { createInvite } from './invites.js';
import { join } from './join.js';
import { reportJoinTiming } from './joinTiming.js';
import { leave } from './leave.js';
import { admit, deny } from './lobby.js';
import {
  askToUnmute,
  banParticipant,
  endMeeting,
  muteAll,
  muteParticipant,
  removeParticipant,
  setRole,
  stopVideo,
  transferHost,
} from './moderation.js';
import { closeProducer, pauseProducer, produce, resumeProducer } from './produce.js';
import {
  setChatEnabled,
  setLobby,
  setPasscode,
  setRoomLock,
  setScreenShareAllowed,
} from './settings.js';
import { lowerHand, raiseHand, react } from './social.js';
import { closeTransport, connectTransport, createTransport, restartIce } from './transports.js';
import type { HandlerMap } from './types.js';

export const handlers: HandlerMap = {
  join,
  leave,
  createTransport,
  closeTransport,
  connectTransport,
  restartIce,
  ready,
  produce,
  pauseProducer,
  resumeProducer,
  closeProducer,
  resumeConsumer,
  pauseConsumer,
  setConsumerPreferredLayers,
  admit,
  deny,
  setRoomLock,
  setLobby,
  setPasscode,
  setChatEnabled,
  setScreenShareAllowed,
  muteParticipant,
  muteAll,
  stopVideo,
  askToUnmute,
  removeParticipant,
  banParticipant,
  setRole,
  transferHost,
  endMeeting,
  createInvite,
  raiseHand,
  lowerHand,
  react,
  sendChat,
  reportJoinTiming,
};

export { leaveRoom } from './leave.js';
