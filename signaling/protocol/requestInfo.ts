// What each request is for and which errors it may answer besides the ones
// every request may get. docs/protocol.md is generated from this, the
// schemas and the permission table (npm run docs:protocol).
import type { ErrorCode } from './errors.js';
import type { RequestType } from './requests.js';

export interface RequestInfo {
  readonly summary: string;
  readonly errors: readonly ErrorCode[];
}

const media: ErrorCode[] = ['NOT_FOUND', 'MEDIA_ERROR', 'SFU_ERROR'];
const target: ErrorCode[] = ['NOT_FOUND'];

export const requestInfo: Readonly<Record<RequestType, RequestInfo>> = {
  join: {
    summary:
      'Enter a room (or its lobby). Staff names come from the token. With `resumeToken` from an earlier reply, reclaims the place of a dropped connection.',
    errors: [
      'PROTOCOL_VERSION_MISMATCH',
      'INVALID_ROOM_NAME',
      'ROOM_NOT_FOUND',
      'ROOM_LOCKED',
      'PASSCODE_REQUIRED',
      'PASSCODE_INVALID',
      'BANNED',
      'FORBIDDEN',
      'ALREADY_JOINED',
      'SFU_ERROR',
      'CAPACITY_EXCEEDED',
    ],
  },
  leave: { summary: 'Leave the room or the lobby.', errors: [] },
  createTransport: {
    summary: 'Create a WebRTC transport for sending or receiving.',
    errors: media,
  },
  closeTransport: {
    summary:
      'Close a transport the client replaced; its producers and consumers close with it (`consumerClosed`).',
    errors: ['NOT_FOUND'],
  },
  connectTransport: { summary: "Finish a transport's DTLS setup.", errors: media },
  restartIce: { summary: 'New ICE credentials after a network change.', errors: media },
  ready: {
    summary:
      "The client can receive: the server creates (paused) consumers for every current and future producer, once each. `BAD_REQUEST` when its capabilities cannot decode the room's codecs (Opus and VP8).",
    errors: ['BAD_REQUEST', 'SFU_ERROR'],
  },
  resumeConsumer: {
    summary: 'Start a consumer once the client has created it, or again after pauseConsumer.',
    errors: media,
  },
  pauseConsumer: {
    summary: 'Stop receiving one stream on the server (e.g. a participant not on screen).',
    errors: media,
  },
  setConsumerPreferredLayers: {
    summary: 'The simulcast layer to receive (0 = smallest); ignored for streams without layers.',
    errors: media,
  },
  produce: {
    summary: 'Send a track: mic, camera, screen, or the audio of a shared screen or tab.',
    errors: [...media, 'FORBIDDEN'],
  },
  pauseProducer: { summary: 'Mute one of your own tracks.', errors: media },
  resumeProducer: { summary: 'Unmute one of your own tracks (nobody else can).', errors: media },
  closeProducer: { summary: 'Stop one of your own tracks.', errors: media },
  admit: { summary: 'Let someone in from the lobby.', errors: target },
  deny: { summary: 'Turn someone in the lobby away.', errors: target },
  setRoomLock: { summary: 'Lock (only hosts may enter) or unlock the room.', errors: [] },
  setLobby: { summary: 'Turn the lobby on or off.', errors: [] },
  setPasscode: { summary: 'Set (stored as a scrypt hash) or clear the passcode.', errors: [] },
  setChatEnabled: { summary: 'Allow or stop chat for participants and guests.', errors: [] },
  setScreenShareAllowed: {
    summary: 'Allow or stop screen sharing for participants and guests.',
    errors: [],
  },
  muteParticipant: {
    summary: "Pause someone's microphone on the server; they are told.",
    errors: target,
  },
  muteAll: { summary: 'Mute everyone except hosts and co-hosts.', errors: [] },
  stopVideo: { summary: "Pause someone's camera and screen share on the server.", errors: target },
  askToUnmute: { summary: 'Ask someone to unmute (there is no remote unmute).', errors: target },
  removeParticipant: { summary: 'Send someone out of the meeting.', errors: target },
  banParticipant: {
    summary: 'Send someone out and keep them out of this meeting.',
    errors: target,
  },
  setRole: { summary: 'Make someone co-host, participant or guest.', errors: target },
  transferHost: { summary: 'Hand the host role to someone (you become co-host).', errors: target },
  endMeeting: { summary: 'End the meeting for everyone.', errors: [] },
  createInvite: { summary: 'A signed, expiring guest invite to this room.', errors: [] },
  raiseHand: { summary: 'Raise your hand (joins the end of the queue).', errors: [] },
  lowerHand: { summary: "Lower your hand, or (moderators) someone else's.", errors: ['FORBIDDEN'] },
  react: { summary: 'Send a reaction (rate-limited).', errors: ['RATE_LIMITED'] },
  sendChat: {
    summary: 'Send a chat message to everyone or privately to one participant.',
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  },
  reportJoinTiming: {
    summary:
      "How long joining took this client, from the join (or the lobby's admission) to media ready. Counted once per join in the join-latency metric; later reports of the same join are ignored. A server without it answers `UNKNOWN_MESSAGE`, which a client may ignore.",
    errors: [],
  },
};
