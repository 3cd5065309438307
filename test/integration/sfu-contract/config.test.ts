// An SFU node's configuration: the secret is never defaulted, TLS comes as a
// pair, and the defaults are those the cluster's documentation names.
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadSfuNodeConfig } from '../../../sfu/node/config.js';

const secret = 's'.repeat(32);

describe('SFU node configuration', () => {
  it('refuses to start without a secret of 32 characters or more', () => {
    expect(() => loadSfuNodeConfig({})).toThrow(/SFU_SECRET: required/);
    expect(() => loadSfuNodeConfig({ SFU_SECRET: 'short' })).toThrow(ConfigError);
    expect(() => loadSfuNodeConfig({ SFU_SECRET: secret, SFU_SECRET_PREVIOUS: 'short' })).toThrow(
      /SFU_SECRET_PREVIOUS/,
    );
  });

  it('defaults to loopback on port 7100, named after the host and port', () => {
    const config = loadSfuNodeConfig({ SFU_SECRET: secret });
    expect(config.internal).toEqual({ host: '127.0.0.1', port: 7100, tls: undefined });
    expect(config.nodeId).toBe(`${hostname()}:7100`);
    expect(config.secrets).toEqual([secret]);
    expect(config.media).toMatchObject({ rtcPort: 40000, listenIp: '127.0.0.1' });
  });

  it('takes the previous secret while rotating, and TLS only as a pair', () => {
    const previous = 'p'.repeat(40);
    expect(
      loadSfuNodeConfig({ SFU_SECRET: secret, SFU_SECRET_PREVIOUS: previous }).secrets,
    ).toEqual([secret, previous]);
    expect(() =>
      loadSfuNodeConfig({ SFU_SECRET: secret, SFU_INTERNAL_TLS_CERT: '/etc/cert.pem' }),
    ).toThrow(/must be set together/);
    const tls = loadSfuNodeConfig({
      SFU_SECRET: secret,
      SFU_INTERNAL_TLS_CERT: '/c.pem',
      SFU_INTERNAL_TLS_KEY: '/k.pem',
      RTC_ANNOUNCED_ADDRESS: '203.0.113.5',
      SFU_NODE_ID: 'sfu-a',
    });
    expect(tls.internal.tls).toEqual({ certFile: '/c.pem', keyFile: '/k.pem' });
    expect(tls.media).toMatchObject({ listenIp: '0.0.0.0', announcedAddress: '203.0.113.5' });
    expect(tls.nodeId).toBe('sfu-a');
  });

  it('takes the pipe settings: a min-max port range, checked, and where other nodes reach it', () => {
    const defaults = loadSfuNodeConfig({ SFU_SECRET: secret });
    expect(defaults.pipe).toEqual({
      listenIp: '127.0.0.1',
      announcedAddress: undefined,
      portRange: { min: 44000, max: 44999 },
    });
    const set = loadSfuNodeConfig({
      SFU_SECRET: secret,
      PIPE_PORT_RANGE: ' 50000 - 50099 ',
      PIPE_ANNOUNCED_ADDRESS: '198.51.100.7',
    });
    expect(set.pipe).toEqual({
      listenIp: '0.0.0.0',
      announcedAddress: '198.51.100.7',
      portRange: { min: 50000, max: 50099 },
    });
    expect(
      loadSfuNodeConfig({ SFU_SECRET: secret, PIPE_PORT_RANGE: '7-7' }).pipe.portRange,
    ).toEqual({ min: 7, max: 7 });
    for (const bad of ['44000', '45000-44000', '0-10', '1-70000', 'a-b', '44000-44999-1']) {
      expect(() => loadSfuNodeConfig({ SFU_SECRET: secret, PIPE_PORT_RANGE: bad })).toThrow(
        /PIPE_PORT_RANGE: must be min-max/,
      );
    }
    expect(() => loadSfuNodeConfig({ SFU_SECRET: secret, PIPE_LISTEN_IP: 'pipes.local' })).toThrow(
      /PIPE_LISTEN_IP: must be an IP address/,
    );
  });

  it('waits up to an hour for a drain before stopping, or as long as SFU_DRAIN_TIMEOUT_SECONDS says', () => {
    expect(loadSfuNodeConfig({ SFU_SECRET: secret }).drainTimeoutMs).toBe(3_600_000);
    expect(
      loadSfuNodeConfig({ SFU_SECRET: secret, SFU_DRAIN_TIMEOUT_SECONDS: ' ' }).drainTimeoutMs,
    ).toBe(3_600_000);
    expect(
      loadSfuNodeConfig({ SFU_SECRET: secret, SFU_DRAIN_TIMEOUT_SECONDS: '90' }).drainTimeoutMs,
    ).toBe(90_000);
    // 0: stop without waiting for the rooms to move.
    expect(
      loadSfuNodeConfig({ SFU_SECRET: secret, SFU_DRAIN_TIMEOUT_SECONDS: '0' }).drainTimeoutMs,
    ).toBe(0);
    for (const bad of ['-1', '1.5', 'an hour', '604801']) {
      expect(() =>
        loadSfuNodeConfig({ SFU_SECRET: secret, SFU_DRAIN_TIMEOUT_SECONDS: bad }),
      ).toThrow(/SFU_DRAIN_TIMEOUT_SECONDS/);
    }
  });
});
