// `npm run turn` as an operator runs it (the built CLI, spawned with only the
// environment given): `config` writes what coturn runs with the secret
// signaling signs with, `credentials` prints ones coturn accepts, and `check`
// relays to an SFU node through every TURN URL and names what fails.
import { readFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, type Database } from '../../signaling/db/index.js';
import { openPglite } from '../../signaling/db/pglite.js';
import { turnSecretOrCreate } from '../../signaling/turn/secret.js';
import { allocate } from '../../signaling/turn/turnClient.js';
import { runTurn } from '../harness/adminCli.js';
import { startCoturn, type TestCoturn } from '../harness/coturn.js';
import { startTestServer } from '../harness/server.js';
import { prepareServerBuild } from '../harness/sfuNode.js';

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
  let db: Database;
  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
  }, 120_000);
  afterAll(() => db?.close());

  /** A signaling server (with its SFU) whose clients get this coturn, and an admin token. */
  async function deployment(coturn: TestCoturn) {
    const server = await startTestServer({
      db,
      turnEnv: { TURN_URLS: Object.values(coturn.urls).join(','), TURN_SECRET: coturn.secret },
    });
    const token = await server.staffToken({ sub: 'root', name: 'Root', role: 'admin' });
    return { server, token };
  }

  it('relays to the SFU node over UDP, TCP and TLS and prints the round trips', async () => {
    const coturn = await startCoturn({ tls: true, allowedPeerIps: ['127.0.0.1'] });
    const { server, token } = await deployment(coturn);
    try {
      const env = {
        VECHE_URL: server.url,
        VECHE_TOKEN: token,
        NODE_EXTRA_CA_CERTS: coturn.caFile!,
      };
      const run = await runTurn(['check'], env);
      console.log(`npm run turn -- check (SFU address allowed):\n${run.stdout}${run.stderr}`);
      expect(run.code).toBe(0);
      const rows = run.stdout.split('\n').filter((l) => l.startsWith('turn'));
      expect(rows).toHaveLength(3);
      for (const [row, transport] of rows.map((r, i) => [r, ['udp', 'tcp', 'tls'][i]] as const)) {
        expect(row).toMatch(
          new RegExp(`\\s${transport}\\s+ok\\s+\\d+\\.\\d\\s+127\\.0\\.0\\.1:\\d+`),
        );
      }
      expect(run.stdout + run.stderr).not.toContain(token);
      // Each check closes its probe: more checks than a node holds probes still work.
      for (let again = 0; again < 4; again += 1) {
        expect((await runTurn(['check', '--json'], env)).code).toBe(0);
      }
    } finally {
      await server.close();
      await coturn.stop();
    }
  });

  it('fails with the named cause when the peer policy refuses the SFU address', async () => {
    const coturn = await startCoturn();
    const { server, token } = await deployment(coturn);
    try {
      const run = await runTurn(['check', '--json'], { VECHE_URL: server.url, VECHE_TOKEN: token });
      console.log(`npm run turn -- check (production peer policy):\n${run.stdout}`);
      expect(run.code).toBe(1);
      const { results } = JSON.parse(run.stdout) as { results: { result: string }[] };
      expect(results.map((r) => r.result)).toEqual(['peer-refused', 'peer-refused']);
    } finally {
      await server.close();
      await coturn.stop();
    }
  });

  it('explains an unknown SFU node instead of failing obscurely', async () => {
    const coturn = await startCoturn();
    const { server, token } = await deployment(coturn);
    try {
      const run = await runTurn(['check', '--node', 'no-such-node'], {
        VECHE_URL: server.url,
        VECHE_TOKEN: token,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/POST \/api\/admin\/turn\/probe refused: (NOT_FOUND|HTTP 404)/);
      expect(run.stderr).toContain('npm run admin -- nodes');
      expect(run.stdout + run.stderr).not.toContain(token);
    } finally {
      await server.close();
      await coturn.stop();
    }
  });
});
