// TURN settings and the short-lived credentials signaling hands to clients:
// coturn's TURN REST scheme, nothing in the username that says who it is,
// and settings that are wrong are named before anything starts.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../signaling/config.js';
import { loadTurnConfig, parseTurnUrl } from '../../signaling/turn/config.js';
import {
  createTurnIssuer,
  issueTurnCredentials,
  noTurn,
} from '../../signaling/turn/credentials.js';

const SECRET = 'a-turn-secret-of-at-least-32-characters';

describe('TURN credentials', () => {
  it('follow the TURN REST scheme coturn checks with use-auth-secret', () => {
    const now = Date.UTC(2026, 11, 2, 12, 0, 0);
    const { username, credential, expiresAt } = issueTurnCredentials(SECRET, 600, now);
    expect(expiresAt).toBe(now / 1000 + 600);
    const [expiry, id] = username.split(':');
    expect(Number(expiry)).toBe(expiresAt);
    expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(credential).toBe(createHmac('sha1', SECRET).update(username).digest('base64'));
  });

  it('are new for every transport: two issues never share a username', () => {
    const issuer = createTurnIssuer({
      urls: [parseTurnUrl('turn:turn.example.gov:3478'), parseTurnUrl('turns:turn.example.gov')],
      secret: SECRET,
      ttlSeconds: 3600,
    });
    const [a] = issuer.iceServers();
    const [b] = issuer.iceServers();
    expect(a?.urls).toEqual(['turn:turn.example.gov:3478', 'turns:turn.example.gov']);
    expect(a?.username).not.toBe(b?.username);
    expect(a?.credential).not.toBe(b?.credential);
  });

  it('say nothing about the user they were issued to', () => {
    const issuer = createTurnIssuer({
      urls: [parseTurnUrl('turn:10.0.0.5')],
      secret: SECRET,
      ttlSeconds: 60,
    });
    const [server] = issuer.iceServers();
    expect(server?.username).toMatch(/^\d+:[A-Za-z0-9_-]+$/);
  });

  it('are not issued without a TURN server', () => {
    expect(noTurn.iceServers()).toEqual([]);
    expect(createTurnIssuer({ urls: [], secret: SECRET, ttlSeconds: 60 }).iceServers()).toEqual([]);
  });
});

describe('TURN settings', () => {
  it('parse the URL forms browsers take', () => {
    expect(parseTurnUrl('turn:turn.example.gov')).toMatchObject({
      secure: false,
      port: 3478,
      transport: 'udp',
    });
    expect(parseTurnUrl('turn:10.1.2.3:3478?transport=tcp')).toMatchObject({
      host: '10.1.2.3',
      transport: 'tcp',
    });
    expect(parseTurnUrl('turns:[2001:db8::1]:443?transport=tcp')).toMatchObject({
      host: '2001:db8::1',
      port: 443,
      secure: true,
    });
    expect(() => parseTurnUrl('turns:turn.example.gov?transport=udp')).toThrow(/TCP/);
    expect(() => parseTurnUrl('stun:stun.l.google.com:19302')).toThrow(/not a TURN URL/);
  });

  it('have defaults and name every bad setting', () => {
    const turn = loadTurnConfig({}, 'meet.example.gov');
    expect(turn).toMatchObject({
      urls: [],
      ttlSeconds: 3600,
      realm: 'meet.example.gov',
      listenPort: 3478,
      tlsPort: 5349,
      relayPorts: [49152, 65535],
      allowedPeerIps: [],
    });
    expect(() => loadTurnConfig({ TURN_SECRET: 'short' })).toThrow(/TURN_SECRET/);
    expect(() => loadTurnConfig({ TURN_TLS_CERT: '/etc/turn.pem' })).toThrow(/together/);
    expect(() => loadTurnConfig({ TURN_RELAY_PORT_RANGE: '60000-50000' })).toThrow(
      /TURN_RELAY_PORT_RANGE/,
    );
    expect(() => loadTurnConfig({ TURN_ALLOWED_PEER_IPS: '10.0.0.1,sfu-1' })).toThrow(/sfu-1/);
    expect(() => loadTurnConfig({ TURN_URLS: 'turn:a,https://b' })).toThrow(/TURN_URLS/);
  });

  it('need one shared secret from the environment in a cluster', () => {
    const cluster = {
      REDIS_URL: 'redis://127.0.0.1:6379',
      DATABASE_URL: 'postgres://127.0.0.1/veche',
      SFU_NODES: 'registry',
      SFU_SECRET: 'x'.repeat(32),
      TURN_URLS: 'turn:turn.example.gov',
    };
    expect(() => loadConfig(cluster)).toThrow(/TURN_SECRET/);
    expect(loadConfig({ ...cluster, TURN_SECRET: SECRET }).turn.secret).toBe(SECRET);
    // One node: a secret generated in DATA_DIR is shared with a local coturn.
    expect(loadConfig({ TURN_URLS: 'turn:127.0.0.1' }).turn.secret).toBeUndefined();
  });
});
