// Pieces shared by requests and notifications.
import { z } from 'zod';
import {
  hasNoControlCharacters,
  isChatTextAllowed,
  isRoomName,
  MAX_CHAT_LENGTH,
  MAX_DISPLAY_NAME_LENGTH,
  PASSCODE_LENGTH,
  REACTIONS,
} from './limits.js';
import { mediaKindSchema } from '../../sfu/api/rtp.js';
import { meetingRoleSchema } from './roles.js';

export { mediaKindSchema };
export { MAX_CHAT_LENGTH, MAX_PAYLOAD_BYTES, PROTOCOL_VERSION, protocolMajor } from './limits.js';
export { meetingRoleSchema, type MeetingRoleName } from './roles.js';

export const roomNameSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(isRoomName, 'room names are letters, digits, - and _');

export const displayNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(MAX_DISPLAY_NAME_LENGTH)
  .refine(hasNoControlCharacters, 'no control characters');

export const chatTextSchema = z
  .string()
  .trim()
  .min(1)
  .max(MAX_CHAT_LENGTH)
  .refine(isChatTextAllowed, 'no control characters');

export const passcodeSchema = z.string().min(PASSCODE_LENGTH.min).max(PASSCODE_LENGTH.max);

export const idSchema = z.string().min(1).max(128);
export const mediaSourceSchema = z.enum(['mic', 'camera', 'screen', 'screenAudio']);
export type MediaSource = z.infer<typeof mediaSourceSchema>;
export const reactionSchema = z.enum(REACTIONS);
export type Reaction = z.infer<typeof reactionSchema>;

// mediasoup(-client) objects: one definition, the SFU boundary's (its lowest
// layer, plain zod), so what a client may send is exactly what the SFU accepts.
export {
  dtlsParametersSchema,
  iceParametersSchema,
  rtpCapabilitiesSchema,
  rtpParametersSchema,
  webRtcTransportOptionsSchema as transportOptionsSchema,
  type RtpCapabilities,
} from '../../sfu/api/rtp.js';

/**
 * A TURN server as RTCPeerConnection takes it, with short-lived credentials
 * (a new pair for every transport and ICE restart). Since protocol 2.5.
 */
export const iceServerSchema = z.object({
  urls: z.array(z.string().max(512)).min(1).max(8),
  username: z.string().max(256),
  credential: z.string().max(256),
});
export type IceServer = z.infer<typeof iceServerSchema>;

export const producerInfoSchema = z.object({
  producerId: idSchema,
  kind: mediaKindSchema,
  source: mediaSourceSchema,
  paused: z.boolean(),
});

export const peerSchema = z.object({
  id: idSchema,
  displayName: z.string(),
  role: meetingRoleSchema,
  /** Joined by invite link: shown as a guest everywhere. */
  guest: z.boolean(),
  /**
   * Their connection dropped and they may still come back (their place is
   * kept for the reconnect grace period); their media is gone meanwhile.
   */
  reconnecting: z.boolean(),
  producers: z.array(producerInfoSchema),
});
export type PeerInfo = z.infer<typeof peerSchema>;

export const roomSettingsSchema = z.object({
  locked: z.boolean(),
  lobby: z.boolean(),
  hasPasscode: z.boolean(),
  chatEnabled: z.boolean(),
  screenShareAllowed: z.boolean(),
});
export type RoomSettings = z.infer<typeof roomSettingsSchema>;

export const lobbyEntrySchema = z.object({
  peerId: idSchema,
  displayName: z.string(),
  guest: z.boolean(),
  waitingSince: z.number().int(),
});
export type LobbyEntry = z.infer<typeof lobbyEntrySchema>;

export const chatMessageSchema = z.object({
  id: idSchema,
  fromName: z.string(),
  /** The sender's peer id while they are in the room. */
  fromPeerId: z.string().optional(),
  /** A private message: only its sender and recipient receive it. */
  private: z.boolean(),
  /** For a private message the viewer sent: the recipient's name. */
  toName: z.string().optional(),
  text: z.string(),
  sentAt: z.number().int(),
});
export type ChatMessageInfo = z.infer<typeof chatMessageSchema>;
