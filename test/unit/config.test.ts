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
  ])('rejects %j naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
