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

  it('refuses to share rooms through Redis on the embedded database', () => {
    const redis = { REDIS_URL: 'redis://redis.example:6379' };
    expect(() => loadConfig(redis)).toThrow(ConfigError);
    expect(() => loadConfig(redis)).toThrow(/REDIS_URL needs DATABASE_URL/);
    expect(
      loadConfig({ ...redis, DATABASE_URL: 'postgres://veche@db.example/veche' }).redis,
    ).toMatchObject({ url: 'redis://redis.example:6379' });
  });
});
