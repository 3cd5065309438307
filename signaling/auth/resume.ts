// Resume tokens: proof that a new connection is the same peer as one whose
// connection dropped, so it gets its place back (identity, role, hand).
import { SignJWT, jwtVerify } from 'jose';
import { z } from 'zod';

const AUDIENCE = 'veche-resume';
const claimsSchema = z.object({ room: z.string(), pid: z.string(), uid: z.string() });

export interface ResumeClaims {
  room: string;
  peerId: string;
  userId: string;
}

export interface ResumeCodec {
  issue(claims: ResumeClaims): Promise<string>;
  /** The claims, or undefined for anything invalid or expired. */
  verify(token: string): Promise<ResumeClaims | undefined>;
}

export function createResumeCodec(secret: Uint8Array, lifetimeSeconds = 12 * 3600): ResumeCodec {
  return {
    issue({ room, peerId, userId }) {
      return new SignJWT({ room, pid: peerId, uid: userId })
        .setProtectedHeader({ alg: 'HS256' })
        .setAudience(AUDIENCE)
        .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds)
        .sign(secret);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, secret, {
          audience: AUDIENCE,
          algorithms: ['HS256'],
          requiredClaims: ['exp'],
        });
        const claims = claimsSchema.parse(payload);
        return { room: claims.room, peerId: claims.pid, userId: claims.uid };
      } catch {
        return undefined;
      }
    },
  };
}
