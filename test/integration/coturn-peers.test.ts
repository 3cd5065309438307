// The generated peer policy in a real coturn: relaying into loopback, private
// and link-local addresses (the cloud metadata endpoint) is refused unless an
// address is on TURN_ALLOWED_PEER_IPS — checked with the product's client
// and with coturn's own independent client, turnutils_uclient.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueTurnCredentials } from '../../signaling/turn/credentials.js';
import { allocate, type TurnAllocation } from '../../signaling/turn/turnClient.js';
import { startCoturn, type TestCoturn } from '../harness/coturn.js';
import { freePort } from '../harness/ports.js';

interface Run {
  code: number | null;
  output: string;
}

/** Runs a coturn utility to its end (bounded), collecting what it prints. */
function run(command: string, args: string[], timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** turnutils_uclient relaying a few packets to `peer` through `coturn` over UDP. */
function uclient(coturn: TestCoturn, peer: string, peerPort: number): Promise<Run> {
  const { username, credential } = issueTurnCredentials(coturn.secret, 600);
  return run('turnutils_uclient', [
    ...['-u', username, '-w', credential, '-p', String(coturn.ports.listen)],
    ...['-e', peer, '-r', String(peerPort), '-n', '5', '-m', '1', '-c'],
    '127.0.0.1',
  ]);
}

/** Resolves once the UDP echo peer at 127.0.0.1:`port` echoes a datagram. */
function echoed(port: number): Promise<void> {
  const socket = createSocket('udp4');
  return new Promise<void>((resolve) => {
    const timer = setInterval(() => socket.send('ready?', port, '127.0.0.1'), 100);
    socket.once('message', () => {
      clearInterval(timer);
      socket.close();
      resolve();
    });
    socket.send('ready?', port, '127.0.0.1');
  });
}

async function relayOver(coturn: TestCoturn): Promise<TurnAllocation> {
  const { username, credential } = issueTurnCredentials(coturn.secret, 600);
  return allocate({ target: coturn.targets.udp, username, password: credential });
}

const INTERNAL = [
  '127.0.0.1',
  '10.1.2.3',
  '172.16.5.5',
  '192.168.1.1',
  '169.254.169.254',
  '100.64.0.1',
  '0.0.0.1',
  '224.0.0.1',
];

describe('coturn peer policy from the generated config', () => {
  describe('production defaults (no allowed peers)', () => {
    let coturn: TestCoturn;
    let relay: TurnAllocation;
    beforeAll(async () => {
      coturn = await startCoturn();
      relay = await relayOver(coturn);
    });
    afterAll(async () => {
      await relay?.release();
      await coturn?.stop();
    });

    it.each(INTERNAL)('refuses a permission for %s', async (peer) => {
      await expect(relay.createPermission(peer)).rejects.toMatchObject({ failure: 'peer-refused' });
    });

    it.each(['127.0.0.1', '10.1.2.3', '169.254.169.254'])(
      "refuses turnutils_uclient's relay to %s (403 Forbidden IP)",
      async (peer) => {
        const result = await uclient(coturn, peer, 3480);
        const refusal = result.output.split('\n').find((l) => l.includes('403'));
        console.log(`turnutils_uclient to ${peer}: exit ${result.code}, ${refusal?.trim()}`);
        expect(result.code).not.toBe(0);
        expect(result.output).toMatch(/403 \(Forbidden IP\)/);
      },
    );
  });

  describe('with 127.0.0.1 and 10.1.2.3 allowed', () => {
    let coturn: TestCoturn;
    let relay: TurnAllocation;
    beforeAll(async () => {
      coturn = await startCoturn({ allowedPeerIps: ['127.0.0.1', '10.1.2.3'] });
      relay = await relayOver(coturn);
    });
    afterAll(async () => {
      await relay?.release();
      await coturn?.stop();
    });

    it('permits exactly the allowed addresses', async () => {
      await relay.createPermission('127.0.0.1');
      await relay.createPermission('10.1.2.3');
      for (const neighbour of ['127.0.0.2', '10.1.2.4', '169.254.169.254']) {
        await expect(relay.createPermission(neighbour)).rejects.toMatchObject({
          failure: 'peer-refused',
        });
      }
    });

    it("relays turnutils_uclient's packets to an allowed peer and back", async () => {
      const peerPort = await freePort();
      const peer = spawn('turnutils_peer', ['-L', '127.0.0.1', '-p', String(peerPort)], {
        stdio: 'ignore',
      });
      try {
        await echoed(peerPort);
        const result = await uclient(coturn, '127.0.0.1', peerPort);
        const summary = result.output
          .split('\n')
          .filter((l) => /tot_recv_msgs=|lost packets/.test(l));
        console.log(`turnutils_uclient to an allowed peer:\n${summary.slice(-2).join('\n')}`);
        expect(result.output).not.toMatch(/Forbidden IP/);
        const received = /tot_send_msgs=(\d+), tot_recv_msgs=(\d+)\s*$/m.exec(summary.at(-2) ?? '');
        expect(Number(received?.[2])).toBeGreaterThan(0);
      } finally {
        peer.kill();
      }
    });
  });
});
