import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../signaling/config.js';

describe('configuration', () => {
  it('has embedded defaults that need nothing set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.sfu.rtcPort).toBe(40000);
    expect(config.sfu.listenIp).toBe('127.0.0.1');
    expect(config.sfu.workers).toBeGreaterThanOrEqual(1);
    expect(config.tls).toBeUndefined();
  });

  it('listens on all interfaces when an address is announced', () => {
    const config = loadConfig({
      RTC_ANNOUNCED_ADDRESS: '192.0.2.10',
      SFU_WORKERS: '3',
      RTC_PORT: '45000',
    });
    expect(config.sfu).toMatchObject({
      listenIp: '0.0.0.0',
      announcedAddress: '192.0.2.10',
      workers: 3,
      rtcPort: 45000,
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ SFU_WORKERS: '0' }, 'SFU_WORKERS'],
    [{ TLS_CERT: '/etc/cert.pem' }, 'TLS_CERT and TLS_KEY'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ RTC_LISTEN_IP: 'not-an-ip' }, 'RTC_LISTEN_IP'],
    [{ PUBLIC_URL: 'nope' }, 'PUBLIC_URL'],
    [{ INVITE_SECRET: 'short' }, 'INVITE_SECRET needs at least 32 characters'],
    [{ RESUME_SECRET: 'short' }, 'RESUME_SECRET needs at least 32 characters'],
  ])('rejects %j naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });

  it('takes the invite and resume secrets from the environment, else leaves them to DATA_DIR', () => {
    const invite = 'i'.repeat(32);
    const resume = 'r'.repeat(40);
    expect(loadConfig({ INVITE_SECRET: invite, RESUME_SECRET: ` ${resume} ` }).auth).toMatchObject({
      inviteSecret: invite,
      resumeSecret: resume,
    });
    expect(loadConfig({}).auth).toMatchObject({ inviteSecret: undefined, resumeSecret: undefined });
  });

  it('refuses to share rooms through Redis on the embedded database or their own SFUs', () => {
    const redis = { REDIS_URL: 'redis://redis.example:6379' };
    const nodes = { SFU_NODES: 'http://sfu-1:7100', SFU_SECRET: 's'.repeat(32) };
    expect(() => loadConfig({ ...redis, ...nodes })).toThrow(ConfigError);
    expect(() => loadConfig({ ...redis, ...nodes })).toThrow(/REDIS_URL needs DATABASE_URL/);
    const database = { DATABASE_URL: 'postgres://veche@db.example/veche' };
    expect(() => loadConfig({ ...redis, ...database })).toThrow(/REDIS_URL needs SFU_NODES/);
    expect(loadConfig({ ...redis, ...database, ...nodes }).redis).toMatchObject({
      url: 'redis://redis.example:6379',
    });
  });

  it('uses separate SFU nodes when SFU_NODES lists them', () => {
    expect(loadConfig({}).sfuNodes).toBeUndefined();
    const secret = 'x'.repeat(40);
    const config = loadConfig({
      SFU_NODES: ' http://sfu-1:7100 , https://sfu-2.internal:7100/ ',
      SFU_SECRET: secret,
      SFU_INTERNAL_CA: '/etc/veche/sfu-ca.pem',
    });
    expect(config.sfuNodes).toEqual({
      urls: ['http://sfu-1:7100', 'https://sfu-2.internal:7100'],
      secret,
      caFile: '/etc/veche/sfu-ca.pem',
    });
  });

  it('finds the SFU nodes in the registry with SFU_NODES=registry and a Redis', () => {
    const secret = 'x'.repeat(40);
    const env = {
      SFU_NODES: 'registry',
      SFU_SECRET: secret,
      REDIS_URL: 'rediss://veche:pass@redis.example:6380',
      DATABASE_URL: 'postgres://veche@db.example/veche',
    };
    expect(loadConfig(env).sfuNodes).toEqual({
      urls: [],
      secret,
      caFile: undefined,
      registry: { heartbeatMs: 1000 },
    });
    expect(loadConfig({ ...env, SFU_HEARTBEAT_MS: '250' }).sfuNodes?.registry).toEqual({
      heartbeatMs: 250,
    });
    expect(() => loadConfig({ ...env, REDIS_URL: 'http://redis.example' })).toThrow(
      /REDIS_URL must be redis:\/\/… or rediss:\/\/…/,
    );
  });

  it('trusts a private CA for a TLS Redis (REDIS_CA), and only for rediss://', () => {
    const env = {
      SFU_NODES: 'registry',
      SFU_SECRET: 'x'.repeat(40),
      DATABASE_URL: 'postgres://veche@db.example/veche',
    };
    expect(
      loadConfig({ ...env, REDIS_URL: 'rediss://:pw@redis.example:6380' }).redis?.caFile,
    ).toBeUndefined();
    expect(
      loadConfig({
        ...env,
        REDIS_URL: 'rediss://:pw@redis.example:6380',
        REDIS_CA: '/etc/veche/redis-ca.pem',
      }).redis,
    ).toEqual({
      url: 'rediss://:pw@redis.example:6380',
      prefix: 'veche:',
      heartbeatMs: 10_000,
      caFile: '/etc/veche/redis-ca.pem',
    });
    for (const without of [{ REDIS_URL: 'redis://redis.example:6379' }, {}]) {
      expect(() => loadConfig({ ...env, ...without, REDIS_CA: '/ca.pem' })).toThrow(
        /REDIS_CA is the CA of a TLS Redis: set it with REDIS_URL=rediss:/,
      );
    }
  });

  it.each([
    [{ SFU_NODES: 'http://sfu-1:7100' }, /SFU_NODES needs SFU_SECRET/],
    [{ SFU_NODES: 'http://sfu-1:7100', SFU_SECRET: 'short' }, /SFU_SECRET needs at least 32/],
    [{ SFU_NODES: 'sfu-1:7100', SFU_SECRET: 's'.repeat(32) }, /must be http:\/\/host:port/],
    [{ SFU_NODES: 'ftp://sfu-1', SFU_SECRET: 's'.repeat(32) }, /must be http:\/\/host:port/],
    [{ SFU_NODES: 'http://a:1,http://a:1', SFU_SECRET: 's'.repeat(32) }, /listed twice/],
    [{ SFU_NODES: 'http://u:p@a:1', SFU_SECRET: 's'.repeat(32) }, /put the secret in SFU_SECRET/],
    [{ SFU_INTERNAL_CA: '/ca.pem' }, /SFU_INTERNAL_CA .* set it with SFU_NODES/],
    [{ SFU_NODES: 'registry', SFU_SECRET: 's'.repeat(32) }, /SFU_NODES=registry needs REDIS_URL/],
  ])('refuses an unusable SFU node list %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('keeps SFU leases at least as long as the reconnect grace', () => {
    expect(loadConfig({}).sfuLeaseMs).toBe(45_000);
    expect(loadConfig({ SFU_LEASE_SECONDS: '60' }).sfuLeaseMs).toBe(60_000);
    expect(() => loadConfig({ SFU_LEASE_SECONDS: '20' })).toThrow(
      /SFU_LEASE_SECONDS must be at least RECONNECT_GRACE_SECONDS/,
    );
    expect(loadConfig({ SFU_LEASE_SECONDS: '20', RECONNECT_GRACE_SECONDS: '20' }).sfuLeaseMs).toBe(
      20_000,
    );
  });

  it('limits new connections per address, 2/s with bursts of 20 unless the operator says otherwise', () => {
    expect(loadConfig({}).connectionLimit).toEqual({ perSecond: 2, burst: 20 });
    const office = loadConfig({
      CONNECTION_RATE_PER_ADDRESS: '50',
      CONNECTION_BURST_PER_ADDRESS: '400',
    });
    expect(office.connectionLimit).toEqual({ perSecond: 50, burst: 400 });
    expect(() => loadConfig({ CONNECTION_RATE_PER_ADDRESS: '0' })).toThrow(
      /CONNECTION_RATE_PER_ADDRESS/,
    );
    expect(() => loadConfig({ CONNECTION_BURST_PER_ADDRESS: 'many' })).toThrow(
      /CONNECTION_BURST_PER_ADDRESS/,
    );
  });

  it('waits SIGNALING_DRAIN_SECONDS for clients to move on when stopping (0: not at all)', () => {
    expect(loadConfig({}).drainMs).toBe(30_000);
    expect(loadConfig({ SIGNALING_DRAIN_SECONDS: '120' }).drainMs).toBe(120_000);
    expect(loadConfig({ SIGNALING_DRAIN_SECONDS: '0' }).drainMs).toBe(0);
    for (const bad of ['-1', '2.5', 'soon', '3601']) {
      expect(() => loadConfig({ SIGNALING_DRAIN_SECONDS: bad })).toThrow(/SIGNALING_DRAIN_SECONDS/);
    }
  });

  it('never shows the SFU secret in a configuration error', () => {
    const secret = 'not-to-be-seen-'.repeat(3);
    let message = '';
    try {
      loadConfig({ SFU_NODES: 'sfu-1', SFU_SECRET: secret });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/SFU_NODES/);
    expect(message).not.toContain(secret);
  });
});
