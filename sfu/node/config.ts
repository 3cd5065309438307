// An SFU node's configuration: read from the environment once, in main,
// validated here, then passed down. The media settings have the same names
// and defaults as the embedded SFU of a signaling node.
import { availableParallelism, hostname } from 'node:os';
import { isIP } from 'node:net';
import { z } from 'zod';
import {
  DEFAULT_CONSUMERS_PER_WORKER,
  DEFAULT_PIPE_PORT_RANGE,
  type PipeOptions,
} from '../core/options.js';

/** SFU_DRAIN_TIMEOUT_SECONDS' default: an hour, long enough for most meetings to end. */
export const DEFAULT_DRAIN_TIMEOUT_SECONDS = 3600;

const port = z.coerce.number().int().min(0).max(65535);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
/**
 * A `min-max` UDP port range (inclusive, 1–65535, min ≤ max), or undefined
 * when the text is not one.
 */
export function parsePortRange(text: string): { min: number; max: number } | undefined {
  const match = /^(\d{1,5})\s*-\s*(\d{1,5})$/.exec(text.trim());
  if (!match) return undefined;
  const min = Number(match[1]);
  const max = Number(match[2]);
  if (min < 1 || max > 65535 || min > max) return undefined;
  return { min, max };
}

const secret = (name: string) =>
  z.string().min(32, `${name} needs at least 32 characters`).max(1024);

/** METRICS_TOKEN: sent by scrapers in an Authorization header, so visible ASCII without spaces. */
export const metricsTokenSchema = secret('METRICS_TOKEN').regex(
  /^[\x21-\x7e]+$/,
  'METRICS_TOKEN: visible ASCII characters only, no spaces',
);

const envSchema = z
  .object({
    SFU_INTERNAL_HOST: z.string().min(1).default('127.0.0.1'),
    SFU_INTERNAL_PORT: port.default(7100),
    SFU_INTERNAL_TLS_CERT: optionalString,
    SFU_INTERNAL_TLS_KEY: optionalString,
    // Never defaulted: an endpoint that creates transports must not be open.
    SFU_SECRET: optionalString.pipe(secret('SFU_SECRET').optional()),
    SFU_SECRET_PREVIOUS: optionalString.pipe(secret('SFU_SECRET_PREVIOUS').optional()),
    // /metrics asks for it when set (not SFU_SECRET: a scraper must not hold that one).
    METRICS_TOKEN: optionalString.pipe(metricsTokenSchema.optional()),
    SFU_NODE_ID: optionalString.pipe(
      z
        .string()
        .regex(/^[\w.:-]{1,128}$/, 'SFU_NODE_ID: letters, digits, and . : _ - only')
        .optional(),
    ),
    RTC_PORT: port.default(40000),
    RTC_LISTEN_IP: optionalString,
    RTC_ANNOUNCED_ADDRESS: optionalString,
    SFU_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
    REDIS_URL: optionalString.pipe(z.url().optional()),
    REDIS_PREFIX: z
      .string()
      .regex(/^[\w:.-]{1,64}$/)
      .default('veche:'),
    REDIS_CA: optionalString,
    SFU_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
    // Empty is unset (not 0, which stops without waiting); at most a week.
    SFU_DRAIN_TIMEOUT_SECONDS: optionalString.pipe(
      z.coerce
        .number<string | undefined>()
        .int()
        .min(0)
        .max(7 * 24 * 3600)
        .optional(),
    ),
    SFU_CONSUMERS_PER_WORKER: z.coerce
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(DEFAULT_CONSUMERS_PER_WORKER),
    PIPE_PORT_RANGE: optionalString.pipe(
      z
        .string()
        .refine((v) => parsePortRange(v) !== undefined, {
          message:
            'must be min-max, two UDP ports from 1 to 65535 with min ≤ max (e.g. 44000-44999)',
        })
        .optional(),
    ),
    PIPE_LISTEN_IP: optionalString,
    PIPE_ANNOUNCED_ADDRESS: optionalString,
    SFU_INTERNAL_PUBLIC_URL: optionalString.pipe(z.url().optional()),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
  })
  .refine(
    (env) => (env.SFU_INTERNAL_TLS_CERT === undefined) === (env.SFU_INTERNAL_TLS_KEY === undefined),
    {
      message: 'SFU_INTERNAL_TLS_CERT and SFU_INTERNAL_TLS_KEY must be set together',
      path: ['SFU_INTERNAL_TLS_KEY'],
    },
  )
  .refine((env) => env.SFU_SECRET !== undefined, {
    message: 'required (32+ characters, shared with the signaling nodes)',
    path: ['SFU_SECRET'],
  })
  .refine((env) => env.METRICS_TOKEN === undefined || env.METRICS_TOKEN !== env.SFU_SECRET, {
    message: 'must differ from SFU_SECRET (a scraper must not hold the internal secret)',
    path: ['METRICS_TOKEN'],
  })
  .refine((env) => env.RTC_LISTEN_IP === undefined || isIP(env.RTC_LISTEN_IP) !== 0, {
    message: 'must be an IP address',
    path: ['RTC_LISTEN_IP'],
  })
  .refine((env) => env.PIPE_LISTEN_IP === undefined || isIP(env.PIPE_LISTEN_IP) !== 0, {
    message: 'must be an IP address',
    path: ['PIPE_LISTEN_IP'],
  })
  .refine(
    (env) =>
      env.REDIS_URL === undefined ||
      ['redis:', 'rediss:'].includes(new URL(env.REDIS_URL).protocol),
    { message: 'must be redis://… or rediss://… (TLS)', path: ['REDIS_URL'] },
  )
  .refine(
    (env) =>
      env.REDIS_CA === undefined ||
      (env.REDIS_URL !== undefined && new URL(env.REDIS_URL).protocol === 'rediss:'),
    { message: 'the CA of a TLS Redis: set it with REDIS_URL=rediss://…', path: ['REDIS_CA'] },
  )
  .refine(
    (env) =>
      env.SFU_INTERNAL_PUBLIC_URL === undefined ||
      ['http:', 'https:'].includes(new URL(env.SFU_INTERNAL_PUBLIC_URL).protocol),
    { message: 'must be http://host:port or https://host:port', path: ['SFU_INTERNAL_PUBLIC_URL'] },
  );

/** Every environment variable an SFU node reads: deployment files are checked against this list. */
export const SFU_NODE_ENV_NAMES: readonly string[] = Object.keys(envSchema.shape);

export interface SfuNodeConfig {
  /** Stable across restarts; names this node to signaling and in logs. */
  nodeId: string;
  internal: {
    host: string;
    port: number;
    tls: { certFile: string; keyFile: string } | undefined;
  };
  /** The current secret first; the previous one is still accepted while rotating. */
  secrets: string[];
  /** METRICS_TOKEN: `/metrics` wants it as a bearer token; undefined: open. */
  metricsToken: string | undefined;
  logLevel: string;
  media: {
    workers: number;
    rtcPort: number;
    listenIp: string;
    announcedAddress: string | undefined;
  };
  /** The registry (REDIS_URL): undefined when the node is listed in SFU_NODES instead. */
  registry:
    | {
        url: string;
        prefix: string;
        heartbeatMs: number;
        /** REDIS_CA: PEM file of the private CA that signed a rediss:// server's certificate. */
        caFile: string | undefined;
        /** The internal URL signaling is told to use; undefined: the bound address. */
        publicUrl: string | undefined;
      }
    | undefined;
  consumersPerWorker: number;
  /**
   * SIGTERM drains with migration and stops once the node carries no rooms,
   * or after this long (SFU_DRAIN_TIMEOUT_SECONDS; 0: without waiting).
   */
  drainTimeoutMs: number;
  /** Where other nodes reach this node's pipe transports (pipes between nodes). */
  pipe: PipeOptions;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadSfuNodeConfig(env: Record<string, string | undefined>): SfuNodeConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || 'config'}: ${i.message}`,
    );
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    nodeId: e.SFU_NODE_ID ?? `${hostname()}:${e.SFU_INTERNAL_PORT}`,
    internal: {
      host: e.SFU_INTERNAL_HOST,
      port: e.SFU_INTERNAL_PORT,
      tls:
        e.SFU_INTERNAL_TLS_CERT && e.SFU_INTERNAL_TLS_KEY
          ? { certFile: e.SFU_INTERNAL_TLS_CERT, keyFile: e.SFU_INTERNAL_TLS_KEY }
          : undefined,
    },
    secrets: [e.SFU_SECRET, e.SFU_SECRET_PREVIOUS].filter((s): s is string => s !== undefined),
    metricsToken: e.METRICS_TOKEN,
    logLevel: e.LOG_LEVEL,
    media: {
      workers: e.SFU_WORKERS ?? availableParallelism(),
      rtcPort: e.RTC_PORT,
      // As in embedded mode: with an announced address, listen everywhere.
      listenIp: e.RTC_LISTEN_IP ?? (e.RTC_ANNOUNCED_ADDRESS ? '0.0.0.0' : '127.0.0.1'),
      announcedAddress: e.RTC_ANNOUNCED_ADDRESS,
    },
    registry: e.REDIS_URL
      ? {
          url: e.REDIS_URL,
          prefix: e.REDIS_PREFIX,
          heartbeatMs: e.SFU_HEARTBEAT_MS,
          caFile: e.REDIS_CA,
          publicUrl: e.SFU_INTERNAL_PUBLIC_URL
            ? new URL(e.SFU_INTERNAL_PUBLIC_URL).origin
            : undefined,
        }
      : undefined,
    consumersPerWorker: e.SFU_CONSUMERS_PER_WORKER,
    drainTimeoutMs: (e.SFU_DRAIN_TIMEOUT_SECONDS ?? DEFAULT_DRAIN_TIMEOUT_SECONDS) * 1000,
    pipe: {
      listenIp: e.PIPE_LISTEN_IP ?? (e.PIPE_ANNOUNCED_ADDRESS ? '0.0.0.0' : '127.0.0.1'),
      announcedAddress: e.PIPE_ANNOUNCED_ADDRESS,
      portRange: (e.PIPE_PORT_RANGE && parsePortRange(e.PIPE_PORT_RANGE)) || {
        ...DEFAULT_PIPE_PORT_RANGE,
      },
    },
  };
}
