import { pino, type Logger } from 'pino';

const CENSOR = '[redacted]';
/** Deeper than this, a logged object is cut off rather than walked (and maybe leaked). */
const MAX_DEPTH = 10;

// Credentials by the name of the key they sit under, compared without case,
// '-' or '_': exact names, and names ending like one (resumeToken, jwtSecret,
// newPasscode). Fixed paths miss what sits one level deeper — a token inside
// an error's details, an invite in a request body.
const SECRET_NAMES = new Set([
  'auth',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'invite',
  'apikey',
  'privatekey',
  'checkpointkey',
  'credential',
  'credentials',
  'jwt',
]);
const SECRET_SUFFIXES = ['token', 'secret', 'password', 'passcode'];

export function isSecretKey(key: string): boolean {
  const name = key.toLowerCase().replace(/[-_]/g, '');
  return SECRET_NAMES.has(name) || SECRET_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/** A copy of `value` with every credential replaced; errors stay errors for pino's serializer. */
function redact(value: unknown, path: Set<object>, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (path.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  // Dates, Buffers, URLs… say themselves what they look like in JSON.
  if (!(value instanceof Error) && typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return value;
  path.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => redact(v, path, depth + 1));
    const out: Record<string, unknown> =
      value instanceof Error ? copyError(value, path, depth) : {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = isSecretKey(key) ? CENSOR : redact(inner, path, depth + 1);
    }
    return out;
  } finally {
    path.delete(value);
  }
}

/** Same prototype, message and stack; the cause redacted too, and still not enumerable. */
function copyError(error: Error, path: Set<object>, depth: number): Record<string, unknown> {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
  Object.defineProperties(copy, {
    name: { value: error.name, enumerable: false, writable: true },
    message: { value: error.message, enumerable: false, writable: true },
    stack: { value: error.stack, enumerable: false, writable: true },
  });
  if ('cause' in error)
    Object.defineProperty(copy, 'cause', {
      value: redact(error.cause, path, depth + 1),
      enumerable: false,
      writable: true,
    });
  return copy as unknown as Record<string, unknown>;
}

const redactObject = (object: Record<string, unknown>) =>
  redact(object, new Set(), 0) as Record<string, unknown>;

/**
 * Structured logs. Credentials (tokens, invites, passcodes, passwords,
 * secrets, authorization headers, cookies…) are redacted by key name at any
 * depth, in errors and their causes too.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: { service: 'veche-signaling' },
      formatters: { log: redactObject, bindings: redactObject },
    },
    destination,
  );
  // pino gives children no bindings formatter, so a child's bindings (a peer's
  // context) are redacted here; children inherit this from the root.
  // pino's own type for child is generic over custom levels; this wrapper adds none.
  const child = logger.child as unknown as (
    this: unknown,
    bindings: pino.Bindings,
    options?: pino.ChildLoggerOptions,
  ) => unknown;
  Object.defineProperty(logger, 'child', {
    value: function (this: unknown, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) {
      return child.call(this, redactObject(bindings), options);
    },
  });
  return logger;
}
/**
 * For errors that come in bursts (a pool losing all its connections): the
 * first in each interval is logged, the rest counted and reported with the
 * next one that is logged.
 */
export function rateLimited(
  intervalMs: number,
  now: () => number = Date.now,
): (emit: (suppressed: number) => void) => void {
  let last = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (emit) => {
    const at = now();
    if (at - last < intervalMs) {
      suppressed += 1;
      return;
    }
    last = at;
    const count = suppressed;
    suppressed = 0;
    emit(count);
  };
}

export type { Logger };
