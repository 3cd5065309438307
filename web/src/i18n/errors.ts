// A server error as the user reads it.
import type { SignalingError } from '../signaling/client.js';
import { t, type MessageKey } from './index.js';

const specific: Partial<Record<SignalingError['code'], MessageKey>> = {
  PROTOCOL_VERSION_MISMATCH: 'error.PROTOCOL_VERSION_MISMATCH',
  INVALID_ROOM_NAME: 'error.INVALID_ROOM_NAME',
  RATE_LIMITED: 'error.RATE_LIMITED',
  SFU_ERROR: 'error.SFU_ERROR',
  CAPACITY_EXCEEDED: 'error.CAPACITY_EXCEEDED',
  TIMEOUT: 'error.TIMEOUT',
  BAD_REQUEST: 'error.BAD_REQUEST',
  ROOM_LOCKED: 'error.ROOM_LOCKED',
  BANNED: 'error.BANNED',
  ROOM_NOT_FOUND: 'error.ROOM_NOT_FOUND',
  FORBIDDEN: 'error.FORBIDDEN',
  PASSCODE_REQUIRED: 'error.PASSCODE_REQUIRED',
  PASSCODE_INVALID: 'error.PASSCODE_INVALID',
  NOT_FOUND: 'error.NOT_FOUND',
  IN_LOBBY: 'error.IN_LOBBY',
  NOT_JOINED: 'error.NOT_JOINED',
};

export interface ErrorContext {
  /** We presented a token or an invite (else: none, and the server wants one). */
  signedIn?: boolean;
}

export function describeError(error: SignalingError, context: ErrorContext = {}): string {
  if (error.code === 'UNAUTHENTICATED') {
    return t(context.signedIn ? 'error.UNAUTHENTICATED.invalid' : 'error.UNAUTHENTICATED.missing');
  }
  return t(specific[error.code] ?? 'error.generic', { message: error.message });
}

/** Errors only a fresh copy of the page can fix. */
export const needsReload = (error: SignalingError): boolean =>
  error.code === 'PROTOCOL_VERSION_MISMATCH';
