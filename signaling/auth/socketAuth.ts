// Authenticates a socket.io connection from its handshake `auth` object
// (never the URL): a staff JWT, a guest invite, or — in embedded mode only —
// nobody in particular.
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { Identity } from './identity.js';
import type { InviteCodec } from './invites.js';
import { AuthError, type StaffTokenVerifier } from './tokens.js';

const handshakeAuthSchema = z.object({
  token: z.string().min(1).max(8192).optional(),
  invite: z.string().min(1).max(4096).optional(),
});

export interface Authenticator {
  authenticate(auth: unknown): Promise<Identity>;
}

export function createAuthenticator(options: {
  verifyStaff: StaffTokenVerifier;
  invites: InviteCodec;
  allowAnonymous: boolean;
}): Authenticator {
  return {
    async authenticate(auth) {
      const parsed = handshakeAuthSchema.safeParse(auth ?? {});
      if (!parsed.success) throw new AuthError('UNAUTHENTICATED', 'malformed credentials');
      const { token, invite } = parsed.data;
      if (token) return options.verifyStaff(token);
      if (invite) return options.invites.verify(invite);
      if (options.allowAnonymous) return { kind: 'anonymous' };
      throw new AuthError('UNAUTHENTICATED', 'sign in through the workspace or use an invite link');
    },
  };
}

/** The client's address; behind a trusted proxy, the one it forwarded. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const list = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',');
    // The proxy appends the address it saw: the last entry is the one it vouches for.
    const last = list
      .map((s) => s.trim())
      .filter(Boolean)
      .at(-1);
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
