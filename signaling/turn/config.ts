// TURN settings (TURN_*), shared by signaling (credentials for clients) and
// the coturn tooling (`npm run turn`): validated here once, from the
// environment the caller read. Without TURN_URLS there is no TURN server and
// clients get no ICE servers (media then needs UDP or TCP to the SFU).
import { isIP } from 'node:net';
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const port = z.coerce.number().int().min(1).max(65535);
const count = z.coerce.number().int().min(0).max(1_000_000);
/** Bits per second, up to 100 Gbit/s. */
const bitRate = z.coerce.number().int().min(0).max(100_000_000_000);

/** A TURN URL as browsers take it (RFC 7065): turn:host[:port][?transport=udp|tcp], turns:… tcp only. */
export interface TurnUrl {
  /** As given (and as clients get it). */
  readonly url: string;
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  readonly transport: 'udp' | 'tcp';
}

const TURN_URL =
  /^(turns?):(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(?:\?transport=(udp|tcp))?$/;

/** Parses one TURN URL; throws a message naming what is wrong. */
export function parseTurnUrl(url: string): TurnUrl {
  const match = TURN_URL.exec(url);
  if (!match) {
    throw new Error(
      `"${url}" is not a TURN URL (turn:host:port?transport=udp|tcp or turns:host:port?transport=tcp)`,
    );
  }
  const [, scheme, rawHost, rawPort, rawTransport] = match as unknown as [
    string,
    'turn' | 'turns',
    string,
    string | undefined,
    'udp' | 'tcp' | undefined,
  ];
  const secure = scheme === 'turns';
  const transport = rawTransport ?? (secure ? 'tcp' : 'udp');
  if (secure && transport === 'udp') throw new Error(`"${url}": turns: runs over TCP (TLS)`);
  const portNumber = rawPort === undefined ? (secure ? 5349 : 3478) : Number(rawPort);
  if (portNumber < 1 || portNumber > 65535) throw new Error(`"${url}": port out of range`);
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  if (rawHost.startsWith('[') && isIP(host) !== 6) throw new Error(`"${url}": bad IPv6 address`);
  return { url, secure, host, port: portNumber, transport };
}

/** `min-max` port ranges (TURN_RELAY_PORT_RANGE). */
export const portRange = z
  .string()
  .regex(/^\d{1,5}-\d{1,5}$/, 'must be min-max, e.g. 49152-65535')
  .transform((v) => v.split('-').map(Number) as [number, number])
  .refine(([min, max]) => min >= 1024 && max <= 65535 && min <= max, {
    message: 'must be min-max with 1024 <= min <= max <= 65535',
  });

const ipList = optionalString.transform((v, ctx) => {
  const items = (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    if (isIP(item) === 0)
      ctx.addIssue({ code: 'custom', message: `"${item}" is not an IP address` });
  }
  return items;
});

const envSchema = z
  .object({
    TURN_URLS: optionalString,
    TURN_SECRET: optionalString.pipe(
      z.string().min(32, 'TURN_SECRET needs at least 32 characters').max(1024).optional(),
    ),
    TURN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
    TURN_REALM: optionalString.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9.-]{1,253}$/, 'TURN_REALM is a domain-like name')
        .optional(),
    ),
    TURN_LISTEN_PORT: port.default(3478),
    TURN_TLS_PORT: port.default(5349),
    TURN_TLS_CERT: optionalString,
    TURN_TLS_KEY: optionalString,
    TURN_RELAY_PORT_RANGE: optionalString.pipe(portRange.optional()),
    TURN_EXTERNAL_IP: optionalString.pipe(
      z
        .string()
        .refine((v) => isIP(v) !== 0, 'TURN_EXTERNAL_IP must be an IP address')
        .optional(),
    ),
    /** The SFU nodes' media addresses: the only internal addresses coturn may relay to. */
    TURN_ALLOWED_PEER_IPS: ipList,
    /** Allocations per user (per credential) and in all. */
    TURN_USER_QUOTA: count.default(12),
    TURN_TOTAL_QUOTA: count.default(1200),
    /** Bits per second one relayed session may use (0: no cap). */
    TURN_MAX_BPS: bitRate.default(3_000_000),
    /** Bits per second the server relays in all (0: no cap). */
    TURN_BPS_CAPACITY: bitRate.default(0),
  })
  .refine((env) => (env.TURN_TLS_CERT === undefined) === (env.TURN_TLS_KEY === undefined), {
    message: 'TURN_TLS_CERT and TURN_TLS_KEY must be set together',
  })
  .refine((env) => env.TURN_LISTEN_PORT !== env.TURN_TLS_PORT, {
    message: 'TURN_LISTEN_PORT and TURN_TLS_PORT must differ',
  });

export interface TurnConfig {
  /** What clients get (empty: no TURN server configured). */
  urls: TurnUrl[];
  /** From the environment; undefined: the one generated in DATA_DIR. */
  secret: string | undefined;
  /** Lifetime of issued credentials (s). */
  ttlSeconds: number;
  realm: string;
  listenPort: number;
  tlsPort: number;
  tls: { certFile: string; keyFile: string } | undefined;
  relayPorts: [number, number];
  externalIp: string | undefined;
  allowedPeerIps: string[];
  userQuota: number;
  totalQuota: number;
  maxBps: number;
  bpsCapacity: number;
}

/**
 * TURN_* from the environment. `publicHost` (PUBLIC_URL's host) names the
 * realm when TURN_REALM does not. Throws one message naming every bad setting.
 */
export function loadTurnConfig(
  env: Record<string, string | undefined>,
  publicHost?: string,
): TurnConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'TURN'}: ${i.message}`).join('\n  '),
    );
  }
  const e = parsed.data;
  const urls: TurnUrl[] = [];
  for (const item of (e.TURN_URLS ?? '').split(',').map((u) => u.trim())) {
    if (item === '') continue;
    try {
      urls.push(parseTurnUrl(item));
    } catch (error) {
      throw new Error(`TURN_URLS: ${(error as Error).message}`, { cause: error });
    }
  }
  return {
    urls,
    secret: e.TURN_SECRET,
    ttlSeconds: e.TURN_TTL_SECONDS,
    realm: e.TURN_REALM ?? publicHost ?? 'veche',
    listenPort: e.TURN_LISTEN_PORT,
    tlsPort: e.TURN_TLS_PORT,
    tls:
      e.TURN_TLS_CERT && e.TURN_TLS_KEY
        ? { certFile: e.TURN_TLS_CERT, keyFile: e.TURN_TLS_KEY }
        : undefined,
    relayPorts: e.TURN_RELAY_PORT_RANGE ?? [49152, 65535],
    externalIp: e.TURN_EXTERNAL_IP,
    allowedPeerIps: e.TURN_ALLOWED_PEER_IPS,
    userQuota: e.TURN_USER_QUOTA,
    totalQuota: e.TURN_TOTAL_QUOTA,
    maxBps: e.TURN_MAX_BPS,
    bpsCapacity: e.TURN_BPS_CAPACITY,
  };
}
