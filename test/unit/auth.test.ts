// Staff tokens and guest invites: what is accepted and what is refused.
import { randomBytes } from 'node:crypto';
import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair } from 'jose';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createInviteCodec } from '../../signaling/auth/invites.js';
import { createStaffTokenVerifier, AuthError } from '../../signaling/auth/tokens.js';

const secret = new Uint8Array(randomBytes(32));
const verify = createStaffTokenVerifier({
  secret,
  jwksUrl: undefined,
  audience: 'veche',
  issuer: undefined,
});
const mint = (
  claims: Record<string, unknown>,
  opts: { aud?: string; exp?: string | number; key?: Uint8Array; sub?: string } = {},
) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(opts.sub ?? 'ivan')
    .setAudience(opts.aud ?? 'veche')
    .setExpirationTime(opts.exp ?? '1h')
    .sign(opts.key ?? secret);

async function refused(token: string): Promise<string> {
  try {
    await verify(token);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).message;
  }
  throw new Error('token was accepted');
}

describe('staff tokens', () => {
  it('accepts a valid token and takes name, office and role from it', async () => {
    const identity = await verify(
      await mint({ name: 'Иван Петров', office: 'minfin', role: 'admin' }),
    );
    expect(identity).toEqual({
      kind: 'staff',
      subject: 'ivan',
      displayName: 'Иван Петров',
      office: 'minfin',
      globalRole: 'admin',
    });
  });

  it('refuses a wrong signature, expiry, audience, missing name', async () => {
    await refused(await mint({ name: 'X' }, { key: new Uint8Array(randomBytes(32)) }));
    expect(
      await refused(await mint({ name: 'X' }, { exp: Math.floor(Date.now() / 1000) - 3600 })),
    ).toMatch(/expired/);
    await refused(await mint({ name: 'X' }, { aud: 'other-service' }));
    await refused(await mint({ role: 'staff' }));
    await refused(await mint({ name: 'X', role: 'superuser' }));
  });

  it('refuses alg "none" and a token without expiry', async () => {
    const unsigned = new UnsecuredJWT({ name: 'X', role: 'admin' })
      .setSubject('ivan')
      .setAudience('veche')
      .setExpirationTime('1h')
      .encode();
    await refused(unsigned);
    const noExp = await new SignJWT({ name: 'X' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('a')
      .setAudience('veche')
      .sign(secret);
    await refused(noExp);
  });

  it('verifies RS256 against a JWKS URL and refuses HS256 there (no algorithm confusion)', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const jwksServer = createServer((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: [jwk] })),
    );
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
      const viaJwks = createStaffTokenVerifier({
        secret: undefined,
        jwksUrl: url,
        audience: 'veche',
        issuer: undefined,
      });
      const good = await new SignJWT({ name: 'Anna' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('anna')
        .setAudience('veche')
        .setExpirationTime('1h')
        .sign(privateKey);
      expect((await viaJwks(good)).displayName).toBe('Anna');
      const hs = await new SignJWT({ name: 'Anna' })
        .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
        .setSubject('anna')
        .setAudience('veche')
        .setExpirationTime('1h')
        .sign(secret);
      await expect(viaJwks(hs)).rejects.toBeInstanceOf(AuthError);
    } finally {
      jwksServer.close();
    }
  });
});

describe('guest invites', () => {
  const inviteSecret = new Uint8Array(randomBytes(32));
  const codec = createInviteCodec(inviteSecret);

  it('round-trips room, role and name', async () => {
    const { token, inviteId } = await codec.issue({
      room: 'Совет',
      role: 'participant',
      name: 'Гость',
      ttlSeconds: 600,
    });
    expect(await codec.verify(token)).toEqual({
      kind: 'guest',
      inviteId,
      room: 'Совет',
      role: 'participant',
      displayName: 'Гость',
    });
  });

  it('refuses tampered, foreign and expired invites', async () => {
    const { token } = await codec.issue({ room: 'a', ttlSeconds: 600 });
    const [header, payload, signature] = token.split('.');
    const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    forged.room = 'b';
    forged.role = 'cohost';
    const tampered = `${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
    await expect(codec.verify(tampered)).rejects.toMatchObject({ code: 'INVITE_INVALID' });
    const other = createInviteCodec(new Uint8Array(randomBytes(32)));
    await expect(other.verify(token)).rejects.toMatchObject({ code: 'INVITE_INVALID' });
    const expired = await new SignJWT({ room: 'a' })
      .setProtectedHeader({ alg: 'HS256' })
      .setJti('x')
      .setAudience('veche-invite')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(inviteSecret);
    await expect(codec.verify(expired)).rejects.toMatchObject({ code: 'INVITE_EXPIRED' });
  });

  it('never issues a zero-length or unbounded invite', async () => {
    await expect(codec.issue({ room: 'a', ttlSeconds: 0 })).rejects.toThrow();
    await expect(codec.issue({ room: 'a', ttlSeconds: 365 * 86400 })).rejects.toThrow();
  });
});
