// Guest invite links: a JWT signed with this deployment's invite secret,
// naming one room, optionally a role and a name, with an expiry. The link
// carries it in the URL fragment (never sent to the server in a request line).
import { randomUUID } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';
import { z } from 'zod';
import type { GuestIdentity } from './identity.js';
import type { MeetingRole } from '../protocol/roles.js';
import { AuthError } from './tokens.js';

const AUDIENCE = 'veche-invite';
const MAX_TTL_SECONDS = 60 * 60 * 24 * 30;

const claimsSchema = z.object({
  jti: z.string().min(1),
  room: z.string().min(1).max(64),
  role: z.enum(['cohost', 'participant', 'guest']).default('guest'),
  name: z.string().trim().min(1).max(64).optional(),
});

export interface InviteRequest {
  room: string;
  role?: Exclude<MeetingRole, 'host'>;
  name?: string;
  ttlSeconds: number;
}

export interface InviteCodec {
  issue(request: InviteRequest): Promise<{ token: string; inviteId: string; expiresAt: Date }>;
  verify(token: string): Promise<GuestIdentity>;
}

export function createInviteCodec(secret: Uint8Array): InviteCodec {
  return {
    async issue({ room, role, name, ttlSeconds }) {
      if (!(ttlSeconds > 0 && ttlSeconds <= MAX_TTL_SECONDS))
        throw new Error('invite lifetime out of range');
      const inviteId = randomUUID();
      const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
      const token = await new SignJWT({ room, role: role ?? 'guest', ...(name ? { name } : {}) })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setJti(inviteId)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(secret);
      return { token, inviteId, expiresAt };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, secret, {
          audience: AUDIENCE,
          algorithms: ['HS256'],
          requiredClaims: ['exp', 'jti'],
        });
        const claims = claimsSchema.parse(payload);
        return {
          kind: 'guest',
          inviteId: claims.jti,
          room: claims.room,
          role: claims.role,
          displayName: claims.name,
        };
      } catch (error) {
        if (error instanceof errors.JWTExpired)
          throw new AuthError('INVITE_EXPIRED', 'invite expired');
        throw new AuthError('INVITE_INVALID', 'invite not valid');
      }
    },
  };
}
