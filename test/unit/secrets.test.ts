// Secrets: generated once per DATA_DIR, or given by the operator so that the
// nodes of one deployment (each with its own folder) accept each other's
// invite links and resume tokens.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createInviteCodec } from '../../signaling/auth/invites.js';
import { createResumeCodec } from '../../signaling/auth/resume.js';
import { loadOrCreateSecrets } from '../../signaling/auth/secrets.js';

describe('secrets', () => {
  const dirs: string[] = [];
  const dataDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'veche-secrets-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  it('without operator secrets, two folders mean two deployments', async () => {
    const a = await loadOrCreateSecrets(await dataDir());
    const b = await loadOrCreateSecrets(await dataDir());
    const { token } = await createInviteCodec(a.inviteSecret).issue({
      room: 'r',
      ttlSeconds: 60,
    });
    await expect(createInviteCodec(b.inviteSecret).verify(token)).rejects.toMatchObject({
      code: 'INVITE_INVALID',
    });
  });

  it('operator secrets are used on every node, whatever its folder holds', async () => {
    const operator = { inviteSecret: 'i'.repeat(32) + '-invite', resumeSecret: 'r'.repeat(48) };
    const dirA = await dataDir();
    const generated = await loadOrCreateSecrets(dirA);
    const a = await loadOrCreateSecrets(dirA, operator);
    const b = await loadOrCreateSecrets(await dataDir(), operator);
    expect(a.inviteSecret).toEqual(new TextEncoder().encode(operator.inviteSecret));
    expect(a.inviteSecret).not.toEqual(generated.inviteSecret);
    // What the operator did not give still comes from the folder.
    expect(a.jwtSecret).toEqual(generated.jwtSecret);

    const { token, inviteId } = await createInviteCodec(a.inviteSecret).issue({
      room: 'r',
      ttlSeconds: 60,
    });
    expect(await createInviteCodec(b.inviteSecret).verify(token)).toMatchObject({ inviteId });
    const claims = { room: 'r', peerId: 'p1', userId: 'anon:p1' };
    const resume = await createResumeCodec(a.resumeSecret).issue(claims);
    expect(await createResumeCodec(b.resumeSecret).verify(resume)).toEqual(claims);
  });
});
