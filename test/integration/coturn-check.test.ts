// `npm run turn -- check`'s probe against a real coturn (generated config)
// and a real mediasoup WebRtcTransport: an ICE check through the relay is
// answered over UDP, TCP and TLS when the SFU's address is allowed, and each
// broken path is named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTurnPaths, type TurnCheckResult } from '../../signaling/turn/check.js';
import { createTurnIssuer, type TurnIceServer } from '../../signaling/turn/credentials.js';
import { parseTurnUrl } from '../../signaling/turn/config.js';
import type { IceTarget } from '../../signaling/turn/iceProbe.js';
import { startCoturn, type TestCoturn } from '../harness/coturn.js';
import { freePort } from '../harness/ports.js';
import { startTestSfu, type TestSfu } from '../harness/sfu.js';

let sfu: TestSfu;
let target: IceTarget;

const iceServers = (
  coturn: TestCoturn,
  urls = Object.values(coturn.urls),
  secret = coturn.secret,
) => createTurnIssuer({ urls: urls.map(parseTurnUrl), secret, ttlSeconds: 600 }).iceServers();

function print(title: string, results: TurnCheckResult[]) {
  console.log(
    [
      title,
      ...results.map(
        (r) =>
          `  ${r.transport.padEnd(4)} ${r.result.padEnd(18)} ${r.rttMs === undefined ? '-' : `${r.rttMs} ms`}  relayed ${r.relayed ?? '-'}  ${r.url}`,
      ),
    ].join('\n'),
  );
}

beforeAll(async () => {
  sfu = await startTestSfu(1);
  await sfu.sfu.call('openRoom', { roomId: 'turn-check' });
  const transport = await sfu.sfu.call('createWebRtcTransport', {
    roomId: 'turn-check',
    peerId: 'probe',
    direction: 'recv',
  });
  const udp = transport.iceCandidates.find((c) => c.protocol === 'udp');
  if (!udp) throw new Error('the SFU offers no UDP candidate');
  target = { address: udp.address, port: udp.port, ...transport.iceParameters };
});
afterAll(() => sfu?.close());

describe('TURN check through coturn to a mediasoup transport', () => {
  describe('with the SFU address allowed', () => {
    let coturn: TestCoturn;
    beforeAll(async () => {
      coturn = await startCoturn({ tls: true, allowedPeerIps: ['127.0.0.1'] });
    });
    afterAll(() => coturn?.stop());

    it('gets the SFU to answer over UDP, TCP and TLS', async () => {
      const results = await checkTurnPaths({
        iceServers: iceServers(coturn),
        targets: [target],
        ca: coturn.ca,
      });
      print('allowed SFU address:', results);
      expect(results.map((r) => [r.transport, r.result])).toEqual([
        ['udp', 'ok'],
        ['tcp', 'ok'],
        ['tls', 'ok'],
      ]);
      for (const r of results) {
        expect(r.rttMs).toBeGreaterThan(0);
        expect(r.relayed).toMatch(/^127\.0\.0\.1:\d+$/);
      }
    });

    it('names refused credentials auth-refused', async () => {
      const forged = iceServers(coturn, [coturn.urls.udp], 'x'.repeat(40));
      const [result] = await checkTurnPaths({ iceServers: forged, targets: [target] });
      print('wrong secret:', [result!]);
      expect(result!.result).toBe('auth-refused');
    });

    it('names a wrong ICE password no-answer: the relay works, the SFU stays silent', async () => {
      const [result] = await checkTurnPaths({
        iceServers: iceServers(coturn, [coturn.urls.udp]),
        targets: [{ ...target, password: 'not-the-transport-password' }],
        timeoutMs: 1500,
      });
      print('wrong ICE password:', [result!]);
      expect(result!.result).toBe('no-answer');
    });

    it('names a TURN port nobody listens on port-closed', async () => {
      const port = await freePort();
      const servers: TurnIceServer[] = [
        {
          ...iceServers(coturn)[0]!,
          urls: [`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`],
        },
      ];
      const results = await checkTurnPaths({
        iceServers: servers,
        targets: [target],
        timeoutMs: 2000,
      });
      print('closed port:', results);
      expect(results.map((r) => r.result)).toEqual(['port-closed', 'port-closed']);
    });

    it('names a TLS certificate the client does not trust tls-untrusted', async () => {
      const [result] = await checkTurnPaths({
        iceServers: iceServers(coturn, [coturn.urls.tls!]),
        targets: [target],
      });
      print('untrusted certificate:', [result!]);
      expect(result!.result).toBe('tls-untrusted');
    });
  });

  it('names a certificate for another host tls-name-mismatch', async () => {
    const coturn = await startCoturn({
      tls: { name: 'turn.example.org' },
      allowedPeerIps: ['127.0.0.1'],
    });
    try {
      const [result] = await checkTurnPaths({
        iceServers: iceServers(coturn, [coturn.urls.tls!]),
        targets: [target],
        ca: coturn.ca,
      });
      print('certificate for another name:', [result!]);
      expect(result!.result).toBe('tls-name-mismatch');
    } finally {
      await coturn.stop();
    }
  });

  it('names the production peer policy refusing the SFU address peer-refused', async () => {
    const coturn = await startCoturn();
    try {
      const results = await checkTurnPaths({ iceServers: iceServers(coturn), targets: [target] });
      print('SFU address not allowed:', results);
      expect(results.map((r) => r.result)).toEqual(['peer-refused', 'peer-refused']);
    } finally {
      await coturn.stop();
    }
  });
});
