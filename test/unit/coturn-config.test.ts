// The turnserver.conf `npm run turn -- config` writes: what coturn is told
// about listeners, credentials, quotas and, above all, which peers it may
// relay to.
import { describe, expect, it } from 'vitest';
import { loadTurnConfig } from '../../signaling/turn/config.js';
import { coturnConfig } from '../../signaling/turn/coturnConfig.js';

const SECRET = 's'.repeat(40);
const lines = (text: string) => text.split('\n');
const settings = (text: string, key: string) =>
  lines(text)
    .filter((l) => l === key || l.startsWith(`${key}=`))
    .map((l) => l.slice(key.length + 1));

describe('generated turnserver.conf', () => {
  const plain = coturnConfig(
    loadTurnConfig({ TURN_URLS: 'turn:turn.example.org' }, 'meet.example.org'),
    SECRET,
  );

  it('uses TURN REST credentials with the shared secret and the realm', () => {
    expect(lines(plain)).toEqual(
      expect.arrayContaining([
        'use-auth-secret',
        `static-auth-secret=${SECRET}`,
        'realm=meet.example.org',
        'fingerprint',
        'no-cli',
        'listening-port=3478',
      ]),
    );
    expect(lines(plain).some((l) => /^(lt-cred-mech|user=|no-auth)/.test(l))).toBe(false);
  });

  it('denies loopback, private, link-local, CGNAT, multicast and reserved peers by default', () => {
    const denied = settings(plain, 'denied-peer-ip');
    expect(denied).toEqual(
      expect.arrayContaining([
        '0.0.0.0-0.255.255.255',
        '10.0.0.0-10.255.255.255',
        '100.64.0.0-100.127.255.255',
        '127.0.0.0-127.255.255.255',
        '169.254.0.0-169.254.255.255',
        '172.16.0.0-172.31.255.255',
        '192.168.0.0-192.168.255.255',
        '224.0.0.0-239.255.255.255',
        '240.0.0.0-255.255.255.255',
        '::-::ffff:ffff',
        '::ffff:0.0.0.0-::ffff:255.255.255.255',
        '64:ff9b::-64:ff9b::ffff:ffff',
        'fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
        'fe80::-feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      ]),
    );
    expect(settings(plain, 'allowed-peer-ip')).toEqual([]);
    expect(lines(plain)).toEqual(expect.arrayContaining(['no-multicast-peers', 'no-tcp-relay']));
    expect(lines(plain)).not.toContain('allow-loopback-peers');
  });

  it('allows each TURN_ALLOWED_PEER_IPS address after a warning that all its ports open', () => {
    const text = coturnConfig(
      loadTurnConfig({ TURN_ALLOWED_PEER_IPS: '10.0.0.5, 10.0.0.6' }),
      SECRET,
    );
    expect(settings(text, 'allowed-peer-ip')).toEqual(['10.0.0.5', '10.0.0.6']);
    const first = lines(text).indexOf('allowed-peer-ip=10.0.0.5');
    expect(lines(text).slice(0, first).join('\n')).toMatch(/WARNING: .*ALL of its UDP ports/);
    expect(lines(text)).not.toContain('allow-loopback-peers');
  });

  it('lets a loopback peer through only when it is allowed by name', () => {
    const text = coturnConfig(loadTurnConfig({ TURN_ALLOWED_PEER_IPS: '127.0.0.1' }), SECRET);
    expect(lines(text)).toContain('allow-loopback-peers');
    expect(settings(text, 'denied-peer-ip')).toContain('127.0.0.0-127.255.255.255');
  });

  it('has TLS lines only with a certificate', () => {
    expect(lines(plain)).toEqual(expect.arrayContaining(['no-tls', 'no-dtls']));
    expect(settings(plain, 'cert')).toEqual([]);
    expect(settings(plain, 'tls-listening-port')).toEqual([]);
    const tls = coturnConfig(
      loadTurnConfig({
        TURN_TLS_PORT: '443',
        TURN_TLS_CERT: '/etc/veche/turn.crt',
        TURN_TLS_KEY: '/etc/veche/turn.key',
      }),
      SECRET,
    );
    expect(lines(tls)).toEqual(
      expect.arrayContaining([
        'tls-listening-port=443',
        'cert=/etc/veche/turn.crt',
        'pkey=/etc/veche/turn.key',
        'no-dtls',
      ]),
    );
    expect(lines(tls)).not.toContain('no-tls');
  });

  it('turns ports, quotas and bit rates into coturn settings (coturn counts bytes)', () => {
    const text = coturnConfig(
      loadTurnConfig({
        TURN_RELAY_PORT_RANGE: '50000-50999',
        TURN_EXTERNAL_IP: '203.0.113.10',
        TURN_USER_QUOTA: '8',
        TURN_TOTAL_QUOTA: '400',
        TURN_MAX_BPS: '2000000',
        TURN_BPS_CAPACITY: '800000000',
      }),
      SECRET,
    );
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        'min-port=50000',
        'max-port=50999',
        'external-ip=203.0.113.10',
        'user-quota=8',
        'total-quota=400',
        'max-bps=250000',
        'bps-capacity=100000000',
      ]),
    );
  });
});
