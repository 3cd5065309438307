// Short-lived TURN credentials in the TURN REST scheme coturn checks with
// `use-auth-secret`: username `<expiry unix seconds>:<opaque id>`, password
// base64(HMAC-SHA1(secret, username)). The opaque id is random: nothing in a
// credential tells who it was issued to. coturn checks them when an
// allocation is made (and refreshed), so clients get new ones for every new
// transport and ICE restart. Never logged.
import { createHmac, randomBytes } from 'node:crypto';
import type { TurnUrl } from './config.js';

/** One ICE server entry as RTCPeerConnection takes it. */
export interface TurnIceServer {
  urls: string[];
  username: string;
  credential: string;
}

export interface TurnCredentials {
  username: string;
  credential: string;
  /** Unix seconds after which coturn refuses them. */
  expiresAt: number;
}

/** The password coturn derives from `username` with the shared secret. */
export const turnPassword = (secret: string, username: string): string =>
  createHmac('sha1', secret).update(username).digest('base64');

/** Credentials valid for `ttlSeconds` from `nowMs`. */
export function issueTurnCredentials(
  secret: string,
  ttlSeconds: number,
  nowMs: number = Date.now(),
): TurnCredentials {
  const expiresAt = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiresAt}:${randomBytes(12).toString('base64url')}`;
  return { username, credential: turnPassword(secret, username), expiresAt };
}

export interface TurnIssuer {
  /** ICE servers with fresh credentials; empty when no TURN server is configured. */
  iceServers(): TurnIceServer[];
}

/** `{ iceServers }` for a reply, or nothing when there are none. */
export const iceServersField = (servers: TurnIceServer[]): { iceServers?: TurnIceServer[] } =>
  servers.length > 0 ? { iceServers: servers } : {};

/** No TURN server: clients get no ICE servers. */
export const noTurn: TurnIssuer = { iceServers: () => [] };

/** Issues credentials for `urls` (none: no ICE servers at all). `onIssued` counts them. */
export function createTurnIssuer(options: {
  urls: readonly TurnUrl[];
  secret: string;
  ttlSeconds: number;
  now?: () => number;
  onIssued?: () => void;
}): TurnIssuer {
  const { urls, secret, ttlSeconds, now = Date.now, onIssued } = options;
  return {
    iceServers() {
      if (urls.length === 0) return [];
      const { username, credential } = issueTurnCredentials(secret, ttlSeconds, now());
      onIssued?.();
      return [{ urls: urls.map((u) => u.url), username, credential }];
    },
  };
}
