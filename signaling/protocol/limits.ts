// The protocol's constants and the checks a client needs at run time,
// without zod: the meeting page imports these (and only types from the rest),
// so the schema library stays out of its bundle. The zod schemas are built
// on the same constants.
import { isVisibleText, normalizeText } from './text.js';

/**
 * Public HTTP path with the media routers' RTP capabilities (the same for
 * every room), for a client that prepares its media before it joins.
 */
export const MEDIA_CAPABILITIES_PATH = '/media/capabilities';

/** Major.minor. A client with another major version must reload. */
export const PROTOCOL_VERSION = '2.6';
export const protocolMajor = (version: string): number => Number.parseInt(version, 10);

/** Largest request payload accepted, in bytes of JSON. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
/** Longest chat message, in characters. */
export const MAX_CHAT_LENGTH = 2000;
export const MAX_DISPLAY_NAME_LENGTH = 64;
export const PASSCODE_LENGTH = { min: 4, max: 64 } as const;

/** 1–64 letters (any script, Cyrillic included), digits, '-' and '_'. */
export const ROOM_NAME_PATTERN = /^[\p{L}\p{N}_-]{1,64}$/u;
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u;
// Control characters (other than tab and newline) and bidi overrides have no
// place in chat: they garble or disguise what others see.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CHAT_FORBIDDEN = /[\u0000-\u0008\u000B-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

export const isRoomName = (s: string): boolean => ROOM_NAME_PATTERN.test(s);
export const hasNoControlCharacters = (s: string): boolean => !CONTROL_OR_FORMAT.test(s);
export const isChatTextAllowed = (s: string): boolean => !CHAT_FORBIDDEN.test(s);

/** A display name as the server will accept it (after NFC and trimming). */
export function isDisplayName(s: string): boolean {
  const text = normalizeText(s);
  return (
    text.length >= 1 &&
    text.length <= MAX_DISPLAY_NAME_LENGTH &&
    hasNoControlCharacters(text) &&
    isVisibleText(text)
  );
}

export function isChatText(s: string): boolean {
  const text = normalizeText(s);
  return (
    text.length >= 1 &&
    text.length <= MAX_CHAT_LENGTH &&
    isChatTextAllowed(text) &&
    isVisibleText(text)
  );
}

export const isPasscode = (s: string): boolean => {
  const text = s.normalize('NFC');
  return (
    text.length >= PASSCODE_LENGTH.min && text.length <= PASSCODE_LENGTH.max && isVisibleText(text)
  );
};

/** The reactions a participant can send, in the order the picker shows them. */
export const REACTIONS = ['thumbsUp', 'clap', 'laugh', 'heart', 'surprised', 'thinking'] as const;

export const ERROR_CODES = [
  /** The payload does not match the message's schema. */
  'BAD_REQUEST',
  /** No such message type. */
  'UNKNOWN_MESSAGE',
  /** The payload is larger than MAX_PAYLOAD_BYTES. */
  'PAYLOAD_TOO_LARGE',
  /** Missing, invalid or expired token or invite. */
  'UNAUTHENTICATED',
  /** The caller's role may not do this. */
  'FORBIDDEN',
  /** The room name breaks the naming rule. */
  'INVALID_ROOM_NAME',
  /** No such room, or ad-hoc rooms are off. */
  'ROOM_NOT_FOUND',
  /** The room is locked: only hosts may enter. */
  'ROOM_LOCKED',
  /** The room needs a passcode and none was given. */
  'PASSCODE_REQUIRED',
  /** The passcode is wrong (attempts are limited). */
  'PASSCODE_INVALID',
  /** The caller waits in the lobby; only `leave` is possible until admitted. */
  'IN_LOBBY',
  /** The caller was banned from this meeting. */
  'BANNED',
  /** The client speaks another major protocol version: reload the page. */
  'PROTOCOL_VERSION_MISMATCH',
  /** The request needs a joined room first. */
  'NOT_JOINED',
  /** This connection already joined a room. */
  'ALREADY_JOINED',
  /** The transport, producer, consumer or peer does not exist (for this caller). */
  'NOT_FOUND',
  /** Media the SFU cannot accept or the peer cannot receive. */
  'MEDIA_ERROR',
  /** Too many requests; slow down. */
  'RATE_LIMITED',
  /** The media server is unavailable or failed. */
  'SFU_ERROR',
  /** No media server has room for this meeting or this participant now; try again later. */
  'CAPACITY_EXCEEDED',
  /**
   * A connection refused by a signaling node that is shutting down: connect
   * again (the deployment's address leads to another node). Since protocol 2.4.
   */
  'SERVER_DRAINING',
  /** A bug or an unexpected failure on the server. */
  'INTERNAL',
] as const;
export type ErrorCodeName = (typeof ERROR_CODES)[number];
export const isErrorCode = (s: unknown): s is ErrorCodeName =>
  typeof s === 'string' && (ERROR_CODES as readonly string[]).includes(s);
