// Client -> server requests. Each is a socket.io event named by its type,
// with one payload and an acknowledgement that receives a Reply.
import { z } from 'zod';
import {
  chatMessageSchema,
  chatTextSchema,
  displayNameSchema,
  dtlsParametersSchema,
  idSchema,
  lobbyEntrySchema,
  iceParametersSchema,
  iceServerSchema,
  mediaKindSchema,
  mediaSourceSchema,
  meetingRoleSchema,
  passcodeSchema,
  peerSchema,
  reactionSchema,
  roomNameSchema,
  roomSettingsSchema,
  rtpCapabilitiesSchema,
  rtpParametersSchema,
  transportOptionsSchema,
} from './common.js';
import { visible } from './text.js';

const empty = z.object({});
const peerTarget = z.object({ peerId: idSchema });

const joinedSchema = z.object({
  status: z.literal('joined'),
  protocolVersion: z.string(),
  peerId: idSchema,
  room: roomNameSchema,
  role: meetingRoleSchema,
  /** Staff names come from the token; the client shows this one. */
  displayName: z.string(),
  routerRtpCapabilities: rtpCapabilitiesSchema,
  /**
   * TURN servers with short-lived credentials, when the deployment has one
   * (every createTransport and restartIce reply brings fresh ones). Since
   * protocol 2.5.
   */
  iceServers: z.array(iceServerSchema).optional(),
  peers: z.array(peerSchema),
  settings: roomSettingsSchema,
  /** Raised hands, oldest first. */
  hands: z.array(idSchema),
  /** The room's current active speaker (as the last `activeSpeaker` named), if any. */
  activeSpeaker: idSchema.optional(),
  /**
   * How long the meeting has been running, by the server's clock (a duration,
   * so the client's clock may be off). Since protocol 2.2.
   */
  meetingElapsedMs: z.number().int().nonnegative().optional(),
  chat: z.array(chatMessageSchema),
  /** Only for hosts and co-hosts. */
  lobby: z.array(lobbyEntrySchema).optional(),
  /** Send with the next join after a dropped connection (memory only, never a URL). */
  resumeToken: z.string(),
  /** True when this join reclaimed the place of a dropped connection. */
  resumed: z.boolean(),
  /**
   * With `resumed`: whether the connection's media carried on (`kept`: its
   * transports, producers and consumers are still there; send `ready` again to
   * receive what was opened meanwhile) or must be built again (`fresh`: as
   * after `mediaReset`). Since protocol 2.3.
   */
  media: z.enum(['kept', 'fresh']).optional(),
});

const waitingSchema = z.object({
  status: z.literal('lobby'),
  protocolVersion: z.string(),
  peerId: idSchema,
  room: roomNameSchema,
  displayName: z.string(),
});

export const requests = {
  join: {
    request: z.object({
      room: z.string(),
      /** Ignored for staff (their name comes from the token) and for named invites. */
      displayName: visible(displayNameSchema),
      protocolVersion: z.string().regex(/^\d+\.\d+$/),
      passcode: z
        .string()
        .max(64)
        .overwrite((s) => s.normalize('NFC'))
        .optional(),
      /** From an earlier join reply: reclaims that place after a dropped connection. */
      resumeToken: z.string().max(2048).optional(),
      /**
       * With `resumeToken`: true when the client still has its transports,
       * producers and consumers and would carry on with them; absent or false
       * when it lost them (a reload): the server then starts its media afresh.
       * Since protocol 2.3.
       */
      keepMedia: z.boolean().optional(),
    }),
    response: z.discriminatedUnion('status', [joinedSchema, waitingSchema]),
  },
  createTransport: {
    request: z.object({ direction: z.enum(['send', 'recv']) }),
    /** With `iceServers` (fresh TURN credentials) when the deployment has a TURN server. */
    response: transportOptionsSchema.extend({ iceServers: z.array(iceServerSchema).optional() }),
  },
  connectTransport: {
    request: z.object({ transportId: idSchema, dtlsParameters: dtlsParametersSchema }),
    response: empty,
  },
  /** A transport the client no longer uses (it replaced it); its streams close with it. */
  closeTransport: { request: z.object({ transportId: idSchema }), response: empty },
  restartIce: {
    request: z.object({ transportId: idSchema }),
    /** `iceServers`: fresh TURN credentials for the new allocation (since protocol 2.5). */
    response: z.object({
      iceParameters: iceParametersSchema,
      iceServers: z.array(iceServerSchema).optional(),
    }),
  },
  /** The client can receive media: the server starts consuming for it. */
  ready: { request: z.object({ rtpCapabilities: rtpCapabilitiesSchema }), response: empty },
  produce: {
    request: z.object({
      transportId: idSchema,
      kind: mediaKindSchema,
      rtpParameters: rtpParametersSchema,
      source: mediaSourceSchema,
      paused: z.boolean().optional(),
    }),
    response: z.object({ producerId: idSchema }),
  },
  pauseProducer: { request: z.object({ producerId: idSchema }), response: empty },
  resumeProducer: { request: z.object({ producerId: idSchema }), response: empty },
  closeProducer: { request: z.object({ producerId: idSchema }), response: empty },
  resumeConsumer: { request: z.object({ consumerId: idSchema }), response: empty },
  pauseConsumer: { request: z.object({ consumerId: idSchema }), response: empty },
  setConsumerPreferredLayers: {
    request: z.object({
      consumerId: idSchema,
      spatialLayer: z.number().int().min(0).max(7),
      temporalLayer: z.number().int().min(0).max(7).optional(),
    }),
    response: empty,
  },
  leave: { request: empty, response: empty },

  // Lobby and room settings (hosts and co-hosts).
  admit: { request: peerTarget, response: empty },
  deny: { request: peerTarget, response: empty },
  setRoomLock: { request: z.object({ locked: z.boolean() }), response: empty },
  setLobby: { request: z.object({ enabled: z.boolean() }), response: empty },
  setPasscode: {
    request: z.object({ passcode: visible(passcodeSchema).nullable() }),
    response: empty,
  },
  setChatEnabled: { request: z.object({ enabled: z.boolean() }), response: empty },
  setScreenShareAllowed: { request: z.object({ allowed: z.boolean() }), response: empty },

  // Moderation of other participants.
  muteParticipant: { request: peerTarget, response: empty },
  /** `muted`: how many participants (hosts and co-hosts excepted) were told to mute. */
  muteAll: { request: empty, response: z.object({ muted: z.number().int() }) },
  stopVideo: { request: peerTarget, response: empty },
  askToUnmute: { request: peerTarget, response: empty },
  removeParticipant: { request: peerTarget, response: empty },
  banParticipant: { request: peerTarget, response: empty },
  setRole: {
    request: z.object({ peerId: idSchema, role: meetingRoleSchema.exclude(['host']) }),
    response: empty,
  },
  transferHost: { request: peerTarget, response: empty },
  endMeeting: { request: empty, response: empty },
  /** A guest invite to this room; the link carries the token in its fragment. */
  createInvite: {
    request: z.object({
      role: meetingRoleSchema.exclude(['host']).optional(),
      name: visible(displayNameSchema).optional(),
      ttlMinutes: z
        .number()
        .int()
        .min(5)
        .max(60 * 24 * 30),
    }),
    response: z.object({
      invite: z.string(),
      path: z.string(),
      url: z.string().optional(),
      expiresAt: z.number().int(),
    }),
  },

  // Hands, reactions, chat.
  raiseHand: { request: empty, response: empty },
  lowerHand: { request: z.object({ peerId: idSchema.optional() }), response: empty },
  react: { request: z.object({ reaction: reactionSchema }), response: empty },
  sendChat: {
    request: z.object({ text: visible(chatTextSchema), toPeerId: idSchema.optional() }),
    response: z.object({ message: chatMessageSchema }),
  },

  // What the client measured, for the operators' figures.
  reportJoinTiming: {
    request: z.object({
      /**
       * From the join (or the admission from the lobby) to media ready, ms (at
       * most 10 minutes). Since protocol 2.6; older servers answer UNKNOWN_MESSAGE.
       */
      joinToMediaMs: z
        .number()
        .int()
        .min(0)
        .max(10 * 60_000),
    }),
    response: empty,
  },
} as const;

export type Requests = typeof requests;
export type RequestType = keyof Requests;
export type RequestPayload<T extends RequestType> = z.input<Requests[T]['request']>;
export type ParsedRequest<T extends RequestType> = z.output<Requests[T]['request']>;
export type ResponseData<T extends RequestType> = z.output<Requests[T]['response']>;
export const requestTypes = Object.keys(requests) as RequestType[];
export const isRequestType = (type: string): type is RequestType =>
  Object.prototype.hasOwnProperty.call(requests, type);
