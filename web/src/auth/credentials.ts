// Who we are to the server: a staff JWT from the workspace, a guest invite,
// or nobody (embedded mode). Held in memory only — never in storage, never in
// a URL — and handed to socket.io's handshake `auth` object.
import type { HandshakeAuth } from '../../../signaling/protocol/index.js';
import { createStore, type Store } from '../lib/store.js';

export type Credentials =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'invite'; readonly invite: string }
  | { readonly kind: 'none' };

export type CredentialStore = Store<Credentials>;

export const noCredentials: Credentials = { kind: 'none' };

export function createCredentialStore(initial: Credentials = noCredentials): CredentialStore {
  return createStore<Credentials>(initial);
}

export function handshakeAuth(credentials: Credentials): HandshakeAuth {
  switch (credentials.kind) {
    case 'token':
      return { token: credentials.token };
    case 'invite':
      return { invite: credentials.invite };
    case 'none':
      return {};
  }
}

// Limits as the server accepts them (signaling/auth/socketAuth.ts).
const MAX_TOKEN = 8192;
const MAX_INVITE = 4096;

export function tokenCredentials(token: unknown): Credentials | undefined {
  return typeof token === 'string' && token.length > 0 && token.length <= MAX_TOKEN
    ? { kind: 'token', token }
    : undefined;
}

export function inviteCredentials(invite: unknown): Credentials | undefined {
  return typeof invite === 'string' && invite.length > 0 && invite.length <= MAX_INVITE
    ? { kind: 'invite', invite }
    : undefined;
}
