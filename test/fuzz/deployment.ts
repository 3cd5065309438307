// What the fuzzer attacks: a deployment as operators run it with separate
// media, every piece a process of its own so a crash is seen as an exit and
// the fuzzer's own work does not count in their memory. A PostgreSQL (the
// REST API and chat and audit need one), an SFU node (`npm run sfu`) and a
// signaling node (`npm start`) with SFU_NODES pointing at it. Both servers
// load the memory probe (memoryProbe.mjs) to report their heap after GC.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SignJWT } from 'jose';
import { startNode, type NodeProcess } from '../harness/node.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { newSfuSecret, startSfuNode, type SfuNodeProcess } from '../harness/sfuNode.js';

const probe = pathToFileURL(fileURLToPath(new URL('./memoryProbe.mjs', import.meta.url))).href;

export type ServerName = 'signaling' | 'sfu';

export interface HeapReading {
  heapUsed: number;
  rss: number;
  /** Properties that appeared on built-in prototypes (prototype pollution). */
  polluted: string[];
}

/** Something a server process did that it must never do. */
export interface ProcessProblem {
  server: ServerName;
  kind: 'exited' | 'error-log' | 'stderr';
  detail: string;
}

export interface FuzzDeployment {
  readonly signalingUrl: string;
  readonly sfuUrl: string;
  readonly sfuSecret: string;
  readonly sfuNodeId: string;
  readonly databaseUrl: string;
  /** A staff token signed with the deployment's JWT_SECRET (role staff or admin). */
  token(role: 'staff' | 'admin', subject?: string): Promise<string>;
  /** The server's heap after a full GC (and whether a prototype was polluted). */
  heap(server: ServerName): Promise<HeapReading>;
  /** Exits, error-level log lines and stray stderr output of both servers so far. */
  problems(): Promise<ProcessProblem[]>;
  stop(): Promise<void>;
}

const PROBE_LINE = /^VECHE_FUZZ_PROBE (.*)$/;

/** The problems in a server's output: error/fatal JSON log lines and anything that is not a log line. */
function problemsIn(server: ServerName, text: string): ProcessProblem[] {
  const out: ProcessProblem[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || PROBE_LINE.test(line)) continue;
    let entry: { level?: unknown; msg?: unknown; err?: { message?: unknown } } | undefined;
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      entry = undefined;
    }
    if (entry === undefined || typeof entry !== 'object' || entry === null) {
      out.push({ server, kind: 'stderr', detail: line.slice(0, 500) });
    } else if (typeof entry.level === 'number' && entry.level >= 50) {
      const reason = entry.err?.message ? `: ${String(entry.err.message)}` : '';
      out.push({
        server,
        kind: 'error-log',
        detail: `${String(entry.msg)}${reason}`.slice(0, 500),
      });
    }
  }
  return out;
}

export async function startFuzzDeployment(): Promise<FuzzDeployment> {
  const postgres: PostgresServer = await startPostgres();
  const stops: (() => Promise<unknown>)[] = [() => postgres.stop()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const databaseUrl = await postgres.createDatabase();
    const sfuSecret = newSfuSecret();
    const sfuNodeId = 'fuzz-sfu';
    const nodeOptions = `${process.env['NODE_OPTIONS'] ?? ''} --import=${probe}`.trim();
    const sfu: SfuNodeProcess = await startSfuNode({
      secret: sfuSecret,
      env: {
        SFU_NODE_ID: sfuNodeId,
        LOG_LEVEL: 'warn',
        NODE_OPTIONS: nodeOptions,
      },
    });
    stops.push(() => sfu.kill('SIGKILL'));
    const dataDir = await mkdtemp(join(tmpdir(), 'veche-fuzz-'));
    stops.push(() => rm(dataDir, { recursive: true, force: true }));
    const jwtSecret = randomBytes(32).toString('base64url');
    const signaling: NodeProcess = await startNode(
      {
        DATABASE_URL: databaseUrl,
        REDIS_URL: '',
        SFU_NODES: sfu.url,
        SFU_SECRET: sfuSecret,
        DATA_DIR: dataDir,
        JWT_SECRET: jwtSecret,
        INVITE_SECRET: randomBytes(32).toString('base64url'),
        RESUME_SECRET: randomBytes(32).toString('base64url'),
        // A dropped fuzz connection's place is not kept long: the end's memory reading waits for it.
        RECONNECT_GRACE_SECONDS: '1',
        LOG_LEVEL: 'warn',
        NODE_OPTIONS: nodeOptions,
      },
      { fromBuild: true },
    );
    stops.push(() => signaling.kill('SIGKILL'));

    const sequences: Record<ServerName, number> = { signaling: 0, sfu: 0 };
    const output = async (server: ServerName): Promise<string> =>
      server === 'signaling' ? signaling.output.join('') : await sfu.log();
    const child = (server: ServerName) => (server === 'signaling' ? signaling.child : sfu.child);
    const exited = (server: ServerName) =>
      child(server).exitCode !== null || child(server).signalCode !== null;

    return {
      signalingUrl: signaling.url,
      sfuUrl: sfu.url,
      sfuSecret,
      sfuNodeId,
      databaseUrl,
      token(role, subject = `fuzz-${role}`) {
        return new SignJWT({ name: `Fuzz ${role}`, role })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(subject)
          .setAudience('veche')
          .setIssuedAt()
          .setExpirationTime('2h')
          .sign(new TextEncoder().encode(jwtSecret));
      },
      async heap(server) {
        if (exited(server)) throw new Error(`the ${server} process has exited`);
        sequences[server] += 1;
        const seq = sequences[server];
        child(server).kill('SIGUSR2');
        const deadline = Date.now() + 30_000;
        for (;;) {
          for (const line of (await output(server)).split('\n')) {
            const m = PROBE_LINE.exec(line);
            if (!m) continue;
            const reading = JSON.parse(m[1]!) as HeapReading & { seq: number };
            if (reading.seq === seq) return reading;
          }
          if (Date.now() > deadline)
            throw new Error(`no memory reading from the ${server} process`);
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      async problems() {
        const found: ProcessProblem[] = [];
        for (const server of ['signaling', 'sfu'] as const) {
          if (exited(server)) {
            const tail = (await output(server)).slice(-3000);
            found.push({
              server,
              kind: 'exited',
              detail: `exit ${child(server).exitCode ?? child(server).signalCode}: ${tail}`,
            });
          }
          found.push(...problemsIn(server, await output(server)));
        }
        return found;
      },
      async stop() {
        await signaling.stop().catch(() => undefined);
        stops.pop();
        await sfu.kill().catch(() => undefined);
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
