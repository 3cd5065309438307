// The signaling process's configuration: read from the environment once, in
// main, validated here, then passed down. No other module reads process.env.
import { availableParallelism } from 'node:os';
import { isIP } from 'node:net';
import { z } from 'zod';
import {
  CHECKPOINT_ENV_NAMES,
  loadCheckpointConfig,
  type CheckpointConfig,
} from './audit/checkpointConfig.js';
import { loadTurnConfig, TURN_ENV_NAMES, type TurnConfig } from './turn/config.js';

const port = z.coerce.number().int().min(0).max(65535);
const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const envSchema = z
  .object({
    PORT: port.default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    PUBLIC_URL: optionalString.pipe(z.url().optional()),
    RTC_PORT: port.default(40000),
    RTC_LISTEN_IP: optionalString,
    RTC_ANNOUNCED_ADDRESS: optionalString,
    SFU_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    TRUST_PROXY: bool.default(false),
    TLS_CERT: optionalString,
    TLS_KEY: optionalString,
    VECHE_MODE: z.enum(['embedded', 'production']).optional(),
    JWT_SECRET: optionalString.pipe(
      z.string().min(32, 'JWT_SECRET needs at least 32 characters').optional(),
    ),
    INVITE_SECRET: optionalString.pipe(
      z.string().min(32, 'INVITE_SECRET needs at least 32 characters').optional(),
    ),
    RESUME_SECRET: optionalString.pipe(
      z.string().min(32, 'RESUME_SECRET needs at least 32 characters').optional(),
    ),
    JWKS_URL: optionalString.pipe(z.url().optional()),
    JWT_AUDIENCE: z.string().min(1).default('veche'),
    JWT_ISSUER: optionalString,
    ADHOC_ROOMS: bool.optional(),
    FRAME_ANCESTORS: optionalString,
    DATABASE_URL: optionalString.pipe(z.url().optional()),
    REDIS_URL: optionalString.pipe(z.url().optional()),
    REDIS_PREFIX: z
      .string()
      .regex(/^[\w:.-]{1,64}$/)
      .default('veche:'),
    REDIS_CA: optionalString,
    RECONNECT_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(30),
    /**
     * New socket connections one client address may open: per second, and at
     * once. An office behind one address (NAT, a proxy without TRUST_PROXY),
     * or a load generator on one host, needs more.
     */
    CONNECTION_RATE_PER_ADDRESS: z.coerce.number().positive().max(1_000_000).default(2),
    CONNECTION_BURST_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(20),
    /** How long a stopping node waits for its clients to move to other nodes (0: not at all). */
    SIGNALING_DRAIN_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
    SFU_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(45),
    SFU_NODES: optionalString,
    SFU_SECRET: optionalString.pipe(
      z.string().min(32, 'SFU_SECRET needs at least 32 characters').max(1024).optional(),
    ),
    SFU_INTERNAL_CA: optionalString,
    /** Scrapers send it as a bearer token for /metrics (sent in a header: visible ASCII only). */
    METRICS_TOKEN: optionalString.pipe(
      z
        .string()
        .min(32, 'METRICS_TOKEN needs at least 32 characters')
        .max(1024)
        .regex(/^[\x21-\x7e]+$/, 'METRICS_TOKEN: visible ASCII characters only, no spaces')
        .optional(),
    ),
    CLUSTER_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /** The SFU nodes' heartbeat (SFU_NODES=registry): records older than 3 beats are gone. */
    SFU_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  })
  .refine((env) => (env.TLS_CERT === undefined) === (env.TLS_KEY === undefined), {
    message: 'TLS_CERT and TLS_KEY must be set together',
  })
  .refine((env) => env.RTC_LISTEN_IP === undefined || isIP(env.RTC_LISTEN_IP) !== 0, {
    message: 'RTC_LISTEN_IP must be an IP address',
  })
  .refine((env) => !(env.JWT_SECRET && env.JWKS_URL), {
    message: 'set JWT_SECRET or JWKS_URL, not both',
  })
  // A lease shorter than the grace would reap a dropped peer's media before it may resume.
  .refine((env) => env.SFU_LEASE_SECONDS >= env.RECONNECT_GRACE_SECONDS, {
    message:
      'SFU_LEASE_SECONDS must be at least RECONNECT_GRACE_SECONDS: a dropped participant keeps its media until it may no longer resume',
  })
  .refine((env) => env.SFU_NODES === undefined || env.SFU_SECRET !== undefined, {
    message: 'SFU_NODES needs SFU_SECRET (32+ characters, the secret the SFU nodes were given)',
  })
  .refine(
    (env) =>
      env.METRICS_TOKEN === undefined ||
      (env.METRICS_TOKEN !== env.SFU_SECRET && env.METRICS_TOKEN !== env.JWT_SECRET),
    { message: 'METRICS_TOKEN must differ from SFU_SECRET and JWT_SECRET: a scraper holds it' },
  )
  .refine((env) => env.SFU_INTERNAL_CA === undefined || env.SFU_NODES !== undefined, {
    message: 'SFU_INTERNAL_CA is the CA of https:// SFU nodes: set it with SFU_NODES',
  })
  // Nodes that share rooms must share their media too: an SFU of its own each would split them.
  .refine((env) => env.REDIS_URL === undefined || env.SFU_NODES !== undefined, {
    message:
      'REDIS_URL needs SFU_NODES: signaling nodes that share rooms must share the SFU nodes that carry their media (start one with npm run sfu)',
  })
  // PGlite is one process per folder: nodes sharing rooms must share a real database.
  .refine((env) => env.SFU_NODES !== 'registry' || env.REDIS_URL !== undefined, {
    message:
      'SFU_NODES=registry needs REDIS_URL: the SFU nodes register in Redis (give them the same REDIS_URL and REDIS_PREFIX)',
  })
  .refine(
    (env) =>
      env.REDIS_URL === undefined ||
      ['redis:', 'rediss:'].includes(new URL(env.REDIS_URL).protocol),
    { message: 'REDIS_URL must be redis://… or rediss://… (TLS)' },
  )
  .refine(
    (env) =>
      env.REDIS_CA === undefined ||
      (env.REDIS_URL !== undefined && new URL(env.REDIS_URL).protocol === 'rediss:'),
    { message: 'REDIS_CA is the CA of a TLS Redis: set it with REDIS_URL=rediss://…' },
  )
  .refine((env) => env.REDIS_URL === undefined || env.DATABASE_URL !== undefined, {
    message:
      'REDIS_URL needs DATABASE_URL: nodes that share rooms must share one PostgreSQL database (the embedded database in DATA_DIR serves a single process)',
  })
  .refine(
    (env) =>
      (env.FRAME_ANCESTORS ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .every((o) => /^https?:\/\/[^\s;,'"]+$/.test(o)),
    { message: 'FRAME_ANCESTORS is a space-separated list of http(s) origins' },
  );

/**
 * Every environment variable a signaling node reads (its own, the audit
 * checkpoints', TURN_*): deployment files are checked against this list.
 */
export const SIGNALING_ENV_NAMES: readonly string[] = [
  ...new Set([...Object.keys(envSchema.shape), ...CHECKPOINT_ENV_NAMES, ...TURN_ENV_NAMES]),
];

export interface SignalingConfig {
  /** embedded: `npm start` defaults (ad-hoc rooms, first joiner hosts, generated secrets). */
  mode: 'embedded' | 'production';
  auth: {
    /** HS256 secret given by the operator (else generated in DATA_DIR). */
    jwtSecret: string | undefined;
    /**
     * Signing keys of invite links and resume tokens given by the operator
     * (else generated in DATA_DIR): nodes of one deployment must share them.
     */
    inviteSecret: string | undefined;
    resumeSecret: string | undefined;
    jwksUrl: string | undefined;
    audience: string;
    issuer: string | undefined;
  };
  adHocRooms: boolean;
  frameAncestors: string[];
  /** PostgreSQL; without it, PGlite in DATA_DIR. */
  databaseUrl: string | undefined;
  /** How long a peer whose connection dropped keeps its place (ms). */
  reconnectGraceMs: number;
  /** How long the SFU keeps this node's rooms and peers without a renewal (ms). */
  sfuLeaseMs: number;
  /**
   * On SIGTERM/SIGINT: how long the node waits for its clients to reconnect
   * elsewhere before it stops anyway (ms).
   */
  drainMs: number;
  /**
   * Separate SFU nodes (SFU_NODES): this node then runs no workers of its own
   * and places each room on one of them. Undefined: the in-process SFU.
   */
  sfuNodes: SfuNodesConfig | undefined;
  /**
   * Shared room state and socket fan-out for several signaling nodes. The URL
   * carries the password and TLS (rediss://); `caFile` (REDIS_CA) is the PEM
   * file of a private CA that signed the server's certificate.
   */
  redis: { url: string; prefix: string; heartbeatMs: number; caFile?: string } | undefined;
  port: number;
  host: string;
  publicUrl: string | undefined;
  logLevel: string;
  trustProxy: boolean;
  dataDir: string;
  tls: { certFile: string; keyFile: string } | undefined;
  sfu: {
    workers: number;
    rtcPort: number;
    listenIp: string;
    announcedAddress: string | undefined;
  };
  /** Signed audit-chain checkpoints (AUDIT_CHECKPOINT_KEY, AUDIT_CHECKPOINT_FILE). */
  auditCheckpoints: CheckpointConfig;
  /** The TURN server clients get credentials for (TURN_*; no URLs: none). */
  turn: TurnConfig;
  /** METRICS_TOKEN: `/metrics` wants it as a bearer token; undefined: open. */
  metricsToken: string | undefined;
  /** New connections per client address (CONNECTION_RATE_PER_ADDRESS, CONNECTION_BURST_PER_ADDRESS). */
  connectionLimit: { perSecond: number; burst: number };
}

export interface SfuNodesConfig {
  /** Internal endpoints of the SFU nodes, in the order given (placement depends on it). */
  urls: string[];
  secret: string;
  /** PEM file of the CA that signed https:// nodes' certificates. */
  caFile: string | undefined;
  /**
   * SFU_NODES=registry: the nodes are found in the registry in Redis (`urls`
   * is then empty), renewing their records every `heartbeatMs`.
   */
  registry?: { heartbeatMs: number };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const invalid = (problem: string) => new ConfigError(`invalid configuration:\n  ${problem}`);

/** SFU_NODES: a comma-separated list of http(s) URLs of SFU nodes' internal endpoints. */
function parseSfuNodes(
  list: string | undefined,
  secret: string | undefined,
  caFile: string | undefined,
  heartbeatMs: number,
): SfuNodesConfig | undefined {
  if (list === undefined || secret === undefined) return undefined;
  if (list === 'registry') return { urls: [], secret, caFile, registry: { heartbeatMs } };
  const urls: string[] = [];
  for (const item of list.split(',').map((u) => u.trim())) {
    let url: URL;
    try {
      url = new URL(item);
    } catch {
      throw invalid(`SFU_NODES: "${item}" is not a URL (http://host:port or https://host:port)`);
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname.length > 1) {
      throw invalid(`SFU_NODES: "${item}" must be http://host:port or https://host:port`);
    }
    if (url.username || url.password) {
      throw invalid('SFU_NODES: put the secret in SFU_SECRET, not in the URL');
    }
    if (urls.includes(url.origin)) throw invalid(`SFU_NODES: ${url.origin} is listed twice`);
    urls.push(url.origin);
  }
  return { urls, secret, caFile };
}

export function loadConfig(env: Record<string, string | undefined>): SignalingConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || 'config'}: ${i.message}`,
    );
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  let auditCheckpoints: CheckpointConfig;
  try {
    auditCheckpoints = loadCheckpointConfig(env);
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
  let turn: TurnConfig;
  try {
    turn = loadTurnConfig(env, e.PUBLIC_URL ? new URL(e.PUBLIC_URL).hostname : undefined);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : String(error));
  }
  // Nodes of a cluster each issue credentials coturn must accept: one secret for all.
  if (e.REDIS_URL && turn.urls.length > 0 && turn.secret === undefined) {
    throw invalid(
      'TURN_URLS in a cluster needs TURN_SECRET (32+ characters, the static-auth-secret coturn was given)',
    );
  }
  // Without an announced address browsers can only reach media on this host;
  // with one, listen on every interface and announce it (LAN or public IP).
  const listenIp = e.RTC_LISTEN_IP ?? (e.RTC_ANNOUNCED_ADDRESS ? '0.0.0.0' : '127.0.0.1');
  const mode = e.VECHE_MODE ?? (e.JWKS_URL ? 'production' : 'embedded');
  if (mode === 'production' && !e.JWKS_URL && !e.JWT_SECRET) {
    throw new ConfigError('invalid configuration:\n  production mode needs JWKS_URL or JWT_SECRET');
  }
  return {
    mode,
    auth: {
      jwtSecret: e.JWT_SECRET,
      inviteSecret: e.INVITE_SECRET,
      resumeSecret: e.RESUME_SECRET,
      jwksUrl: e.JWKS_URL,
      audience: e.JWT_AUDIENCE,
      issuer: e.JWT_ISSUER,
    },
    adHocRooms: e.ADHOC_ROOMS ?? mode === 'embedded',
    frameAncestors: (e.FRAME_ANCESTORS ?? '').split(/\s+/).filter(Boolean),
    reconnectGraceMs: e.RECONNECT_GRACE_SECONDS * 1000,
    sfuLeaseMs: e.SFU_LEASE_SECONDS * 1000,
    drainMs: e.SIGNALING_DRAIN_SECONDS * 1000,
    sfuNodes: parseSfuNodes(e.SFU_NODES, e.SFU_SECRET, e.SFU_INTERNAL_CA, e.SFU_HEARTBEAT_MS),
    databaseUrl: e.DATABASE_URL,
    redis: e.REDIS_URL
      ? {
          url: e.REDIS_URL,
          prefix: e.REDIS_PREFIX,
          heartbeatMs: e.CLUSTER_HEARTBEAT_MS,
          ...(e.REDIS_CA ? { caFile: e.REDIS_CA } : {}),
        }
      : undefined,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    dataDir: e.DATA_DIR,
    tls: e.TLS_CERT && e.TLS_KEY ? { certFile: e.TLS_CERT, keyFile: e.TLS_KEY } : undefined,
    sfu: {
      workers: e.SFU_WORKERS ?? availableParallelism(),
      rtcPort: e.RTC_PORT,
      listenIp,
      announcedAddress: e.RTC_ANNOUNCED_ADDRESS,
    },
    auditCheckpoints,
    turn,
    metricsToken: e.METRICS_TOKEN,
    connectionLimit: {
      perSecond: e.CONNECTION_RATE_PER_ADDRESS,
      burst: e.CONNECTION_BURST_PER_ADDRESS,
    },
  };
}
