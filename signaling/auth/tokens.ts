// Verifies the workspace's staff JWTs: HS256 with a shared secret, or RS256 /
// ES256 against a JWKS URL. The algorithm list is fixed, so `alg: none` and
// algorithm-confusion tokens are refused; `exp` and `sub` are required.
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { StaffIdentity } from './identity.js';

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly code: 'UNAUTHENTICATED' | 'INVITE_INVALID' | 'INVITE_EXPIRED',
    message: string,
  ) {
    super(message);
  }
}

export interface StaffTokenOptions {
  /** HS256 shared secret (embedded mode generates one). */
  secret: Uint8Array | undefined;
  /** JWKS URL of the workspace's identity provider (RS256/ES256). */
  jwksUrl: string | undefined;
  audience: string;
  issuer: string | undefined;
}

const claimsSchema = z.object({
  sub: z.string().min(1).max(256),
  name: z.string().trim().min(1).max(64),
  office: z.string().min(1).max(128).optional(),
  role: z.enum(['staff', 'admin']).default('staff'),
});

export type StaffTokenVerifier = (token: string) => Promise<StaffIdentity>;

export function createStaffTokenVerifier(options: StaffTokenOptions): StaffTokenVerifier {
  const jwks: JWTVerifyGetKey | undefined = options.jwksUrl
    ? createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000 })
    : undefined;
  const secret = options.secret ?? new Uint8Array();
  if (!jwks && secret.length === 0) throw new Error('staff tokens need JWT_SECRET or JWKS_URL');

  return async (token) => {
    try {
      const verifyOptions = {
        audience: options.audience,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 30,
        ...(options.issuer ? { issuer: options.issuer } : {}),
      };
      const { payload } = jwks
        ? await jwtVerify(token, jwks, { ...verifyOptions, algorithms: ['RS256', 'ES256'] })
        : await jwtVerify(token, secret, { ...verifyOptions, algorithms: ['HS256'] });
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success)
        throw new AuthError('UNAUTHENTICATED', 'token lacks name or has bad claims');
      return {
        kind: 'staff',
        subject: claims.data.sub,
        displayName: claims.data.name,
        office: claims.data.office,
        globalRole: claims.data.role,
      };
    } catch (error) {
      if (error instanceof AuthError) throw error;
      if (error instanceof errors.JWTExpired)
        throw new AuthError('UNAUTHENTICATED', 'token expired');
      if (error instanceof errors.JOSEError) {
        throw new AuthError('UNAUTHENTICATED', `token refused (${error.code})`);
      }
      throw new AuthError('UNAUTHENTICATED', 'token refused');
    }
  };
}
