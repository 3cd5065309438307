// A real signaling server for tests: the same factory main.ts uses, on a
// random port, with a real in-process SFU behind it, real token checks and
// secrets generated for this run.
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { createSignalingServer, type SignalingServer } from '../../signaling/app.js';
import type { Logger } from '../../signaling/core/logger.js';
import { createMemoryAuditSink } from '../../signaling/audit/sink.js';
import { createInviteCodec, type InviteCodec } from '../../signaling/auth/invites.js';
import { createResumeCodec } from '../../signaling/auth/resume.js';
import { createAuthenticator } from '../../signaling/auth/socketAuth.js';
import { createStaffTokenVerifier } from '../../signaling/auth/tokens.js';
import { createMemoryChatStore } from '../../signaling/chat/store.js';
import { createApiHandler } from '../../signaling/api/index.js';
import type { LiveAdmin } from '../../signaling/api/live.js';
import { createDatabaseAuditSink } from '../../signaling/audit/dbSink.js';
import { createDatabaseChatStore } from '../../signaling/chat/dbStore.js';
import type { Database } from '../../signaling/db/index.js';
import { createBookedRoomPolicy } from '../../signaling/rooms/bookedPolicy.js';
import { createDatabaseMeetingRecorder } from '../../signaling/rooms/meetingRecorder.js';
import type { AttemptLimiter } from '../../signaling/rooms/attemptLimiter.js';
import { createAdHocPolicy } from '../../signaling/rooms/entryPolicy.js';
import { createMemoryMeetingRecorder } from '../../signaling/rooms/meetingRecorder.js';
import { createMemoryStateStore, type RoomStateStore } from '../../signaling/rooms/stateStore.js';
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
  /** The passcode-guessing budget (shared through Redis by several servers). */
  passcodeAttempts?: AttemptLimiter;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const sfu = options.sfu ?? (await startTestSfu(options.workers ?? 1));
  const mode = options.mode ?? 'embedded';
  const jwtSecret = new Uint8Array(randomBytes(32));
  const invites = createInviteCodec(new Uint8Array(randomBytes(32)));
  const audit = createMemoryAuditSink();
  const meetings = createMemoryMeetingRecorder();
  const verifyStaff = createStaffTokenVerifier({
    secret: jwtSecret,
    jwksUrl: undefined,
    audience: 'veche',
    issuer: undefined,
  });
  const adHoc = createAdHocPolicy({ mode, adHocRooms: options.adHocRooms ?? mode === 'embedded' });
  const db = options.db;
  const server = createSignalingServer({
    sfu: sfu.sfu,
    log: options.log ?? testLogger(),
    webRoot,
    publicUrl: options.publicUrl,
    tls: options.tls,
    authenticator: createAuthenticator({
      verifyStaff,
      invites,
      allowAnonymous: mode === 'embedded',
    }),
    store: options.store ?? createMemoryStateStore(),
    chat: db ? createDatabaseChatStore(db) : createMemoryChatStore(),
    meetings: db ? createDatabaseMeetingRecorder(db) : meetings,
    audit: db ? createDatabaseAuditSink(db) : audit,
    policy: db ? createBookedRoomPolicy(db, adHoc, options.now) : adHoc,
    ...(db
      ? {
          routes: [
            createApiHandler({
              db,
              authenticate: async (req) => {
                const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
                return token ? verifyStaff(token).catch(() => undefined) : undefined;
              },
              publicUrl: 'https://veche.test',
              ...(options.now ? { now: options.now } : {}),
              // The server being built here; asked per request, once it exists.
              live: (): LiveAdmin => server.live,
            }),
          ],
        }
      : {}),
    nodeId: randomUUID(),
    trustProxy: options.trustProxy ?? false,
    frameAncestors: [],
    invites,
    resume: createResumeCodec(new Uint8Array(randomBytes(32))),
    reconnectGraceMs: options.reconnectGraceMs ?? 30_000,
    ...(options.passcodeAttempts ? { passcodeAttempts: options.passcodeAttempts } : {}),
    // Tests open many connections from one address.
    connectionLimit: { perSecond: 1000, burst: 1000 },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
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
      await server.close();
      if (!options.sfu) await sfu.close();
    },
  };
}
