// A real signaling server for tests: the composition root main.ts uses
// (signaling/compose.ts), on a random port, with a real in-process SFU behind
// it, real token checks and secrets generated for this run. Only what a test
// must own is handed in: the SFU, the secrets, the storage, the clock.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import type { SignalingServer } from '../../signaling/app.js';
import { compose, type CompositionOverrides } from '../../signaling/compose.js';
import type { SignalingConfig } from '../../signaling/config.js';
import type { Logger } from '../../signaling/core/logger.js';
import { createMemoryAuditSink } from '../../signaling/audit/sink.js';
import { createInviteCodec, type InviteCodec } from '../../signaling/auth/invites.js';
import { createMemoryChatStore } from '../../signaling/chat/store.js';
import type { Database } from '../../signaling/db/index.js';
import { createMemoryMeetingRecorder } from '../../signaling/rooms/meetingRecorder.js';
import type { AttemptLimiter } from '../../signaling/rooms/attemptLimiter.js';
import type { RoomStateStore } from '../../signaling/rooms/stateStore.js';
import { loadTurnConfig } from '../../signaling/turn/config.js';
import { startTestSfu, testLogger, type TestSfu } from './sfu.js';

export const webRoot = fileURLToPath(new URL('../../dist/web/', import.meta.url));

export interface StaffClaims {
  sub: string;
  name: string;
  office?: string;
  role?: 'staff' | 'admin';
}

export interface TestServer {
  url: string;
  port: number;
  sfu: TestSfu;
  server: SignalingServer;
  audit: ReturnType<typeof createMemoryAuditSink>;
  meetings: ReturnType<typeof createMemoryMeetingRecorder>;
  invites: InviteCodec;
  jwtSecret: Uint8Array;
  /** A real HS256 staff token signed with this server's secret. */
  staffToken(
    claims: StaffClaims,
    options?: { expiresIn?: string; audience?: string },
  ): Promise<string>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  workers?: number;
  publicUrl?: string;
  mode?: 'embedded' | 'production';
  adHocRooms?: boolean;
  store?: RoomStateStore;
  sfu?: TestSfu;
  trustProxy?: boolean;
  reconnectGraceMs?: number;
  /** The address the server listens on (default 127.0.0.1), e.g. a test host's link. */
  host?: string;
  /** TURN_* settings (TURN_URLS with TURN_SECRET: clients get TURN credentials). */
  turnEnv?: Record<string, string>;
  /** How long the SFU keeps this server's rooms and peers without a renewal (SFU_LEASE_SECONDS). */
  sfuLeaseMs?: number;
  /**
   * A migrated database: the server then keeps chat, audit and meeting
   * history in it, follows persistent rooms and bookings, and serves the API.
   */
  db?: Database;
  /** The clock bookings are judged by. */
  now?: () => Date;
  /** Where the server logs (default: silent unless LOG_LEVEL is set). */
  log?: Logger;
  tls?: { certFile: string; keyFile: string };
  /**
   * Room state shared through this Redis (as REDIS_URL does), optionally with
   * a short room TTL; `caFile` trusts the CA of a rediss:// server (REDIS_CA).
   */
  redis?: { url: string; prefix: string; heartbeatMs: number; roomTtlMs?: number; caFile?: string };
  /** How long anybody waits in a lobby before being turned away. */
  lobbyMaxWaitMs?: number;
  /** The passcode-guessing budget (shared through Redis by several servers). */
  passcodeAttempts?: AttemptLimiter;
  /** METRICS_TOKEN: /metrics then wants it as a bearer token. */
  metricsToken?: string;
  /** How long a failing dependency only degrades readiness (default 10 s). */
  readyGraceMs?: number;
}

/** The configuration a test server runs with: what main.ts would read from the environment. */
export function testConfig(options: TestServerOptions = {}): SignalingConfig {
  const mode = options.mode ?? 'embedded';
  return {
    mode,
    auth: {
      jwtSecret: undefined,
      jwksUrl: undefined,
      audience: 'veche',
      issuer: undefined,
      inviteSecret: undefined,
      resumeSecret: undefined,
    },
    adHocRooms: options.adHocRooms ?? mode === 'embedded',
    frameAncestors: [],
    databaseUrl: undefined,
    reconnectGraceMs: options.reconnectGraceMs ?? 30_000,
    sfuLeaseMs: options.sfuLeaseMs ?? Math.max(45_000, options.reconnectGraceMs ?? 30_000),
    drainMs: 30_000,
    sfuNodes: undefined,
    redis: options.redis
      ? {
          url: options.redis.url,
          prefix: options.redis.prefix,
          heartbeatMs: options.redis.heartbeatMs,
          ...(options.redis.caFile ? { caFile: options.redis.caFile } : {}),
        }
      : undefined,
    port: 0,
    host: options.host ?? '127.0.0.1',
    publicUrl: options.publicUrl,
    logLevel: process.env['LOG_LEVEL'] ?? 'silent',
    trustProxy: options.trustProxy ?? false,
    // Unused: the secrets and the storage are handed in.
    dataDir: '',
    tls: options.tls,
    // Unused: a test server's database is handed in, and it signs no checkpoints.
    auditCheckpoints: { databaseUrl: undefined, dataDir: '', file: '', key: undefined },
    sfu: {
      workers: options.workers ?? 1,
      rtcPort: 0,
      listenIp: '127.0.0.1',
      announcedAddress: undefined,
    },
    // TURN_* as a deployment would give them (no TURN_URLS: no TURN server).
    turn: loadTurnConfig(options.turnEnv ?? {}),
    metricsToken: options.metricsToken,
    // The defaults; startTestServer lifts them (testOverrides' connectionLimit).
    connectionLimit: { perSecond: 2, burst: 20 },
  };
}

/**
 * What a test composes a signaling node with when it brings its own SFU
 * (SFU_NODES) rather than startTestServer's: fresh secrets, history in
 * memory, the built web client, no per-address connection limit.
 */
export function testOverrides(): CompositionOverrides {
  return {
    log: testLogger(),
    secrets: {
      jwtSecret: new Uint8Array(randomBytes(32)),
      inviteSecret: new Uint8Array(randomBytes(32)),
      resumeSecret: new Uint8Array(randomBytes(32)),
    },
    storage: {
      kind: 'memory',
      chat: createMemoryChatStore(),
      audit: createMemoryAuditSink(),
      meetings: createMemoryMeetingRecorder(),
    },
    webRoot,
    connectionLimit: { perSecond: 1000, burst: 1000 },
  };
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const sfu = options.sfu ?? (await startTestSfu(options.workers ?? 1));
  const jwtSecret = new Uint8Array(randomBytes(32));
  const inviteSecret = new Uint8Array(randomBytes(32));
  const invites = createInviteCodec(inviteSecret);
  const audit = createMemoryAuditSink();
  const meetings = createMemoryMeetingRecorder();
  const db = options.db;
  const node = await compose(testConfig(options), {
    log: options.log ?? testLogger(),
    sfu: sfu.sfu,
    secrets: { jwtSecret, inviteSecret, resumeSecret: new Uint8Array(randomBytes(32)) },
    storage: db
      ? { kind: 'database', db }
      : { kind: 'memory', chat: createMemoryChatStore(), audit, meetings },
    ...(options.store ? { store: options.store } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.redis?.roomTtlMs ? { roomTtlMs: options.redis.roomTtlMs } : {}),
    ...(options.lobbyMaxWaitMs !== undefined ? { lobbyMaxWaitMs: options.lobbyMaxWaitMs } : {}),
    ...(options.passcodeAttempts ? { passcodeAttempts: options.passcodeAttempts } : {}),
    ...(options.readyGraceMs !== undefined ? { readyGraceMs: options.readyGraceMs } : {}),
    webRoot,
    apiPublicUrl: 'https://veche.test',
    // Tests open many connections from one address.
    connectionLimit: { perSecond: 1000, burst: 1000 },
  });
  const server = node.server;
  const { port } = await node.listen();
  return {
    url: `${options.tls ? 'https' : 'http'}://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    sfu,
    server,
    audit,
    meetings,
    invites,
    jwtSecret,
    staffToken(claims, tokenOptions = {}) {
      return new SignJWT({
        name: claims.name,
        role: claims.role ?? 'staff',
        ...(claims.office ? { office: claims.office } : {}),
      })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(claims.sub)
        .setAudience(tokenOptions.audience ?? 'veche')
        .setIssuedAt()
        .setExpirationTime(tokenOptions.expiresIn ?? '1h')
        .sign(jwtSecret);
    },
    async close() {
      const stopped = await node.close();
      if (!options.sfu) await sfu.close();
      if (!stopped) throw new Error('the test server did not stop cleanly (see its log)');
    },
  };
}
