// A real coturn (`turnserver`) for tests, configured by the product's own
// generator (signaling/turn/coturnConfig.ts) from TURN_* settings: random
// free ports on 127.0.0.1, optional TLS with a certificate from a test CA,
// the production peer policy unless the test allows peers. Ready once it
// answers a STUN Binding on every listener.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTurnConfig, type TurnConfig } from '../../signaling/turn/config.js';
import { coturnConfig } from '../../signaling/turn/coturnConfig.js';
import { stunBinding } from '../../signaling/turn/stun/binding.js';
import type { StunTarget } from '../../signaling/turn/stun/transport.js';
import { freePort } from './ports.js';
import { makeTestCa } from './testCa.js';

export interface CoturnOptions {
  /** TLS listener with a certificate for `name` (default 127.0.0.1) from a fresh test CA. */
  tls?: boolean | { name: string };
  /** TURN_ALLOWED_PEER_IPS (default: none, the production policy). */
  allowedPeerIps?: string[];
  /** The shared secret (default: a random one). */
  secret?: string;
  /** More TURN_* settings (e.g. TURN_USER_QUOTA), applied last. */
  env?: Record<string, string>;
  /** Extra turnserver.conf lines (e.g. `verbose`). */
  extraLines?: string[];
}

export interface TestCoturn {
  urls: { udp: string; tcp: string; tls?: string };
  /** Targets for the product's STUN/TURN client, one per listener. */
  targets: { udp: StunTarget; tcp: StunTarget; tls?: StunTarget };
  secret: string;
  realm: string;
  ports: { listen: number; tls?: number; relay: [number, number] };
  /** The TURN settings the config was generated from. */
  config: TurnConfig;
  /** The CA certificate (PEM) clients trust when TLS is on. */
  ca?: string;
  /** The generated turnserver.conf. */
  confFile: string;
  /** Everything coturn printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;

/** Waits for a first answer on each listener, failing early if coturn exits. */
async function waitReady(child: ChildProcess, targets: StunTarget[], output: () => string) {
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `turnserver exited (${code ?? signal})`));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (const target of targets) {
    for (;;) {
      if (exited) throw new Error(`${exited}:\n${output()}`);
      if (Date.now() > deadline) throw new Error(`turnserver never answered:\n${output()}`);
      try {
        await stunBinding(target, 1000);
        break;
      } catch {
        // Not listening yet: wait for coturn to print more (or a short while).
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            child.stdout?.off('data', done);
            resolve();
          };
          const timer = setTimeout(done, 200);
          child.stdout?.once('data', done);
        });
      }
    }
  }
}

export async function startCoturn(options: CoturnOptions = {}): Promise<TestCoturn> {
  const dir = await mkdtemp(join(tmpdir(), 'veche-coturn-'));
  const secret = options.secret ?? randomBytes(24).toString('base64url');
  const listen = await freePort();
  const tlsPort = options.tls ? await freePort() : undefined;
  const relayBase = randomInt(40_000, 48_000);
  const tlsName = typeof options.tls === 'object' ? options.tls.name : HOST;
  const ca = options.tls ? makeTestCa(dir) : undefined;
  const certificate = ca?.issue(tlsName);
  const urls = {
    udp: `turn:${HOST}:${listen}?transport=udp`,
    tcp: `turn:${HOST}:${listen}?transport=tcp`,
    ...(tlsPort ? { tls: `turns:${HOST}:${tlsPort}?transport=tcp` } : {}),
  };
  const config = loadTurnConfig({
    TURN_URLS: Object.values(urls).join(','),
    TURN_REALM: 'veche.test',
    TURN_LISTEN_PORT: String(listen),
    ...(tlsPort && certificate
      ? {
          TURN_TLS_PORT: String(tlsPort),
          TURN_TLS_CERT: certificate.cert,
          TURN_TLS_KEY: certificate.key,
        }
      : {}),
    TURN_RELAY_PORT_RANGE: `${relayBase}-${relayBase + 199}`,
    TURN_ALLOWED_PEER_IPS: (options.allowedPeerIps ?? []).join(','),
    ...options.env,
  });
  const confFile = join(dir, 'turnserver.conf');
  const text = coturnConfig(config, secret, {
    listeningIps: [HOST],
    relayIps: [HOST],
    pidFile: '',
    userDb: join(dir, 'turndb'),
    extraLines: options.extraLines,
  });
  await writeFile(confFile, text, { mode: 0o600 });

  const child = spawn('turnserver', ['-c', confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  const keep = (chunk: Buffer) => {
    printed = (printed + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const targets = {
    udp: { protocol: 'udp', host: HOST, port: listen } as StunTarget,
    tcp: { protocol: 'tcp', host: HOST, port: listen } as StunTarget,
    ...(tlsPort
      ? { tls: { protocol: 'tls', host: HOST, port: tlsPort, ca: ca?.ca } as StunTarget }
      : {}),
  };
  try {
    // coturn also takes plain TCP on its TLS port: a Binding there shows the listener is up.
    const tlsListener: StunTarget[] = tlsPort
      ? [{ protocol: 'tcp', host: HOST, port: tlsPort }]
      : [];
    await waitReady(child, [targets.udp, targets.tcp, ...tlsListener], () => printed);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls,
    targets,
    secret,
    realm: config.realm,
    ports: { listen, ...(tlsPort ? { tls: tlsPort } : {}), relay: config.relayPorts },
    config,
    ...(ca ? { ca: ca.ca } : {}),
    confFile,
    output: () => printed,
    stop,
  };
}
