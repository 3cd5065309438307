// A server error as the user reads it.
import type { SignalingError } from '../signaling/client.js';
import { t, type MessageKey } from './index.js';

const specific: Partial<Record<SignalingError['code'], MessageKey>> = {
  PROTOCOL_VERSION_MISMATCH: 'error.PROTOCOL_VERSION_MISMATCH',
  INVALID_ROOM_NAME: 'error.INVALID_ROOM_NAME',
  RATE_LIMITED: 'error.RATE_LIMITED',
  SFU_ERROR: 'error.SFU_ERROR',
  TIMEOUT: 'error.TIMEOUT',
  BAD_REQUEST: 'error.BAD_REQUEST',
};

export function describeError(error: SignalingError): string {
  return t(specific[error.code] ?? 'error.generic', { message: error.message });
}

/** Errors only a fresh copy of the page can fix. */
export const needsReload = (error: SignalingError): boolean =>
  error.code === 'PROTOCOL_VERSION_MISMATCH';
