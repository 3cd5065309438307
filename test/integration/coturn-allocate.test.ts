// A real coturn running the generated turnserver.conf hands out relays to
// fresh TURN REST credentials over UDP, TCP and TLS, and refuses expired or
// forged ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueTurnCredentials, turnPassword } from '../../signaling/turn/credentials.js';
import { allocate } from '../../signaling/turn/turnClient.js';
import { startCoturn, type TestCoturn } from '../harness/coturn.js';

let coturn: TestCoturn;
beforeAll(async () => {
  coturn = await startCoturn({ tls: true });
});
afterAll(() => coturn?.stop());

describe('coturn with the generated config', () => {
  it.each(['udp', 'tcp', 'tls'] as const)(
    'allocates a relay over %s with fresh credentials',
    async (protocol) => {
      const target = coturn.targets[protocol]!;
      const { username, credential } = issueTurnCredentials(coturn.secret, 600);
      const relay = await allocate({ target, username, password: credential });
      expect(relay.relayed.address).toBe('127.0.0.1');
      const [min, max] = coturn.ports.relay;
      expect(relay.relayed.port).toBeGreaterThanOrEqual(min);
      expect(relay.relayed.port).toBeLessThanOrEqual(max);
      expect(relay.lifetime).toBeGreaterThan(0);
      await relay.release();
    },
  );

  it('refuses credentials that have expired', async () => {
    const { username, credential } = issueTurnCredentials(
      coturn.secret,
      600,
      Date.now() - 3_600_000,
    );
    await expect(
      allocate({ target: coturn.targets.udp, username, password: credential }),
    ).rejects.toMatchObject({ failure: 'auth-refused' });
  });

  it('refuses credentials signed with another secret', async () => {
    const username = `${Math.floor(Date.now() / 1000) + 600}:forged`;
    const password = turnPassword('another-secret-of-at-least-32-characters', username);
    await expect(
      allocate({ target: coturn.targets.tcp, username, password }),
    ).rejects.toMatchObject({ failure: 'auth-refused' });
  });
});
