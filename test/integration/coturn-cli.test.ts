// `npm run turn` as an operator runs it (the built CLI, spawned with only the
// environment given): `config` writes what coturn runs with the secret
// signaling signs with, `credentials` prints ones coturn accepts, and `check`
// relays to an SFU node through every TURN URL and names what fails.
import { readFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, type Database } from '../../signaling/db/index.js';
import { openPglite } from '../../signaling/db/pglite.js';
import { parseTurnUrl } from '../../signaling/turn/config.js';
import { createTurnIssuer } from '../../signaling/turn/credentials.js';
import { turnSecretOrCreate } from '../../signaling/turn/secret.js';
import { allocate } from '../../signaling/turn/turnClient.js';
import { runTurn } from '../harness/adminCli.js';
import { startCoturn, type TestCoturn } from '../harness/coturn.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { startTestSfu, type TestSfu } from '../harness/sfu.js';
import { prepareServerBuild } from '../harness/sfuNode.js';

const TOKEN = 'an-admin-token-for-the-probe-server';

interface ProbeServer {
  url: string;
  deleted: string[];
  close(): Promise<void>;
}

/**
 * POST/DELETE /api/admin/turn/probe as the REST contract gives them, answered
 * with a real mediasoup transport and credentials for a real coturn.
 */
async function startProbeServer(sfu: TestSfu, coturn: TestCoturn): Promise<ProbeServer> {
  const issuer = createTurnIssuer({
    urls: Object.values(coturn.urls).map(parseTurnUrl),
    secret: coturn.secret,
    ttlSeconds: 600,
  });
  const deleted: string[] = [];
  let opened = 0;
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`)
      return reply(401, { error: { code: 'UNAUTHENTICATED', message: 'no token' } });
    if (req.method === 'DELETE' && req.url?.startsWith('/api/admin/turn/probe/')) {
      deleted.push(decodeURIComponent(req.url.slice('/api/admin/turn/probe/'.length)));
      return reply(200, {});
    }
    if (req.method !== 'POST' || req.url !== '/api/admin/turn/probe')
      return reply(404, { error: { code: 'NOT_FOUND', message: 'no such route' } });
    opened += 1;
    const roomId = `probe-${opened}`;
    void (async () => {
      const { rtpCapabilities } = await sfu.sfu.call('openRoom', { roomId });
      const transport = await sfu.sfu.call('createWebRtcTransport', {
        roomId,
        peerId: 'probe',
        direction: 'recv',
      });
      reply(200, {
        probeId: roomId,
        nodeId: 'embedded',
        expiresInMs: 120_000,
        iceServers: issuer.iceServers(),
        routerRtpCapabilities: rtpCapabilities,
        transport: {
          ...transport,
          sctpParameters: { port: 5000, OS: 1024, MIS: 1024, maxMessageSize: 262144 },
        },
        dataConsumer: {},
      });
    })().catch((error: Error) =>
      reply(500, { error: { code: 'INTERNAL', message: error.message } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    deleted,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

beforeAll(() => {
  const problem = prepareServerBuild();
  if (problem) throw new Error(problem);
}, 360_000);

describe('npm run turn -- config and credentials', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'veche-turn-cli-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('writes a config with the secret signaling signs with, and credentials coturn accepts', async () => {
    const env = { DATA_DIR: dataDir, TURN_URLS: 'turn:127.0.0.1', TURN_REALM: 'veche.test' };
    const out = join(dataDir, 'turnserver.conf');
    const written = await runTurn(['config', '--out', out], env);
    expect(written.code).toBe(0);
    expect(written.stdout).toBe('');
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const text = await readFile(out, 'utf8');
    // The secret signaling reads from DATA_DIR (made by the command on first use).
    const secret = await turnSecretOrCreate(undefined, dataDir);
    expect(text).toContain(`static-auth-secret=${secret}\n`);
    const printed = await runTurn(['config'], env);
    expect(printed.stdout).toContain(`static-auth-secret=${secret}\n`);

    const coturn = await startCoturn({ secret });
    try {
      const issued = await runTurn(['credentials', '--json', '--ttl', '120'], env);
      expect(issued.code).toBe(0);
      const { username, credential, expiresAt } = JSON.parse(issued.stdout) as {
        username: string;
        credential: string;
        expiresAt: number;
      };
      expect(expiresAt - Date.now() / 1000).toBeLessThanOrEqual(120);
      const relay = await allocate({ target: coturn.targets.udp, username, password: credential });
      await relay.release();
    } finally {
      await coturn.stop();
    }
  });
});

describe('npm run turn -- check', () => {
  let sfu: TestSfu;
  beforeAll(async () => {
    sfu = await startTestSfu(1);
  });
  afterAll(() => sfu?.close());

  it('relays to the SFU node over UDP, TCP and TLS and prints the round trips', async () => {
    const coturn = await startCoturn({ tls: true, allowedPeerIps: ['127.0.0.1'] });
    const api = await startProbeServer(sfu, coturn);
    try {
      const run = await runTurn(['check'], {
        VECHE_URL: api.url,
        VECHE_TOKEN: TOKEN,
        NODE_EXTRA_CA_CERTS: coturn.caFile!,
      });
      console.log(`npm run turn -- check (SFU address allowed):\n${run.stdout}${run.stderr}`);
      expect(run.code).toBe(0);
      const rows = run.stdout.split('\n').filter((l) => l.startsWith('turn'));
      expect(rows).toHaveLength(3);
      for (const [row, transport] of rows.map((r, i) => [r, ['udp', 'tcp', 'tls'][i]] as const)) {
        expect(row).toMatch(
          new RegExp(`\\s${transport}\\s+ok\\s+\\d+\\.\\d\\s+127\\.0\\.0\\.1:\\d+`),
        );
      }
      expect(run.stdout + run.stderr).not.toContain(TOKEN);
      expect(api.deleted).toEqual(['probe-1']);
    } finally {
      await api.close();
      await coturn.stop();
    }
  });

  it('fails with the named cause when the peer policy refuses the SFU address', async () => {
    const coturn = await startCoturn();
    const api = await startProbeServer(sfu, coturn);
    try {
      const run = await runTurn(['check', '--json'], { VECHE_URL: api.url, VECHE_TOKEN: TOKEN });
      expect(run.code).toBe(1);
      const { results } = JSON.parse(run.stdout) as { results: { result: string }[] };
      expect(results.map((r) => r.result)).toEqual(['peer-refused', 'peer-refused']);
      expect(api.deleted).toHaveLength(1);
    } finally {
      await api.close();
      await coturn.stop();
    }
  });

  describe('against a signaling server', () => {
    let db: Database;
    let server: TestServer;
    beforeAll(async () => {
      db = await openPglite();
      await migrate(db);
      server = await startTestServer({ db });
    }, 120_000);
    afterAll(async () => {
      await server?.close();
      await db?.close();
    });

    it('explains a 404 for the probe route instead of failing obscurely', async () => {
      const token = await server.staffToken({ sub: 'root', name: 'Root', role: 'admin' });
      const run = await runTurn(['check', '--node', 'no-such-node'], {
        VECHE_URL: server.url,
        VECHE_TOKEN: token,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/POST \/api\/admin\/turn\/probe refused: (NOT_FOUND|HTTP 404)/);
      expect(run.stderr).toContain('npm run admin -- nodes');
      expect(run.stdout + run.stderr).not.toContain(token);
    });
  });
});
