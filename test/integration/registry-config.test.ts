// An SFU node's registry settings: off without REDIS_URL, the documented
// defaults with it, and addresses and URLs checked before the node starts.
import { describe, expect, it } from 'vitest';
import { loadSfuNodeConfig } from '../../sfu/node/config.js';

const secret = 's'.repeat(32);

describe('SFU node registry configuration', () => {
  it('registers only with REDIS_URL, with the documented defaults', () => {
    const plain = loadSfuNodeConfig({ SFU_SECRET: secret });
    expect(plain.registry).toBeUndefined();
    expect(plain.consumersPerWorker).toBe(500);
    expect(plain.pipe).toEqual({
      listenIp: '127.0.0.1',
      announcedAddress: undefined,
      portRange: { min: 44000, max: 44999 },
    });

    const config = loadSfuNodeConfig({
      SFU_SECRET: secret,
      REDIS_URL: 'rediss://veche:p%40ss@redis.internal:6380',
    });
    expect(config.registry).toEqual({
      url: 'rediss://veche:p%40ss@redis.internal:6380',
      prefix: 'veche:',
      heartbeatMs: 1000,
      caFile: undefined,
      publicUrl: undefined,
    });
    expect(
      loadSfuNodeConfig({
        SFU_SECRET: secret,
        REDIS_URL: 'rediss://veche:p%40ss@redis.internal:6380',
        REDIS_CA: '/etc/veche/redis-ca.pem',
      }).registry?.caFile,
    ).toBe('/etc/veche/redis-ca.pem');
  });

  it('takes the heartbeat, capacity, pipe addresses and advertised URL', () => {
    const config = loadSfuNodeConfig({
      SFU_SECRET: secret,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: 'prod:',
      SFU_HEARTBEAT_MS: '500',
      SFU_CONSUMERS_PER_WORKER: '300',
      PIPE_ANNOUNCED_ADDRESS: '10.0.0.5',
      SFU_INTERNAL_PUBLIC_URL: 'https://sfu-1.internal:7100/',
    });
    expect(config.registry).toMatchObject({
      prefix: 'prod:',
      heartbeatMs: 500,
      publicUrl: 'https://sfu-1.internal:7100',
    });
    expect(config.consumersPerWorker).toBe(300);
    expect(config.pipe).toEqual({
      listenIp: '0.0.0.0',
      announcedAddress: '10.0.0.5',
      portRange: { min: 44000, max: 44999 },
    });
  });

  it.each([
    [{ REDIS_URL: 'http://redis:6379' }, /REDIS_URL: must be redis:\/\/… or rediss:\/\//],
    [{ PIPE_LISTEN_IP: 'pipes.local' }, /PIPE_LISTEN_IP: must be an IP address/],
    [{ SFU_INTERNAL_PUBLIC_URL: 'ftp://sfu' }, /SFU_INTERNAL_PUBLIC_URL/],
    [{ SFU_HEARTBEAT_MS: '10' }, /SFU_HEARTBEAT_MS/],
    [{ SFU_CONSUMERS_PER_WORKER: '0' }, /SFU_CONSUMERS_PER_WORKER/],
    [{ REDIS_CA: '/ca.pem' }, /REDIS_CA: the CA of a TLS Redis/],
    [{ REDIS_URL: 'redis://redis:6379', REDIS_CA: '/ca.pem' }, /REDIS_CA: the CA of a TLS Redis/],
  ])('refuses %o', (env, message) => {
    expect(() => loadSfuNodeConfig({ SFU_SECRET: secret, ...env })).toThrow(message);
  });
});
