// Server -> client notifications: socket.io events named by type.
import { z } from 'zod';
import {
  chatMessageSchema,
  idSchema,
  lobbyEntrySchema,
  mediaKindSchema,
  mediaSourceSchema,
  peerSchema,
  reactionSchema,
  roomSettingsSchema,
  rtpCapabilitiesSchema,
  rtpParametersSchema,
} from './common.js';

export const notifications = {
  peerJoined: z.object({ peer: peerSchema }),
  peerLeft: z.object({ peerId: idSchema }),
  /** A peer's role (or other public state) changed; also sent about oneself. */
  peerUpdated: z.object({ peer: peerSchema }),
  newConsumer: z.object({
    consumerId: idSchema,
    producerId: idSchema,
    peerId: idSchema,
    kind: mediaKindSchema,
    source: mediaSourceSchema,
    rtpParameters: rtpParametersSchema,
    producerPaused: z.boolean(),
  }),
  consumerClosed: z.object({ consumerId: idSchema, producerId: idSchema }),
  producerPaused: z.object({ peerId: idSchema, producerId: idSchema }),
  producerResumed: z.object({ peerId: idSchema, producerId: idSchema }),
  /** The loudest speaker changed. */
  activeSpeaker: z.object({ peerId: idSchema }),
  /** Who is audible right now (at most every 500 ms; empty when nobody is). */
  speaking: z.object({ peerIds: z.array(idSchema) }),
  /** The room's media server went away: rebuild transports and producers. */
  mediaReset: z.object({ reason: z.string(), routerRtpCapabilities: rtpCapabilitiesSchema }),
  /**
   * This signaling node is shutting down: drop the connection and reconnect
   * now, then resume (`join` with the resume token, keeping the media) as
   * after a network drop; the deployment's address leads to another node.
   * Since protocol 2.4.
   */
  serverDraining: z.object({}),

  /** To hosts and co-hosts: the lobby queue, oldest first. */
  lobbyChanged: z.object({ lobby: z.array(lobbyEntrySchema) }),
  /** To someone waiting: admitted (join again) or denied. */
  lobbyDecision: z.object({ admitted: z.boolean() }),
  roomSettingsChanged: z.object({ settings: roomSettingsSchema }),
  /** A host paused one of your producers. You may unmute yourself later. */
  mutedByHost: z.object({ source: mediaSourceSchema, byName: z.string() }),
  /** A host asks you to unmute; only you can. */
  unmuteRequested: z.object({ byName: z.string() }),
  /** You are out of the meeting. */
  removed: z.object({ reason: z.enum(['removed', 'banned', 'meetingEnded']) }),
  handsChanged: z.object({ hands: z.array(idSchema) }),
  reaction: z.object({ peerId: idSchema, reaction: reactionSchema }),
  chatMessage: z.object({ message: chatMessageSchema }),
} as const;

export type Notifications = typeof notifications;
export type NotificationType = keyof Notifications;
export type NotificationPayload<T extends NotificationType> = z.output<Notifications[T]>;
