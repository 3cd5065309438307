// Startup failures an operator can fix themselves — a port another program
// holds, a data folder another Veche uses, a file a setting names that cannot
// be read — are said in one line, without a
// stack trace. The layers that detect them throw errors with these codes and
// a message that names the setting or the folder.
import type { SignalingConfig } from './config.js';

const KNOWN_CODES = new Set([
  'PORT_IN_USE',
  'DATA_DIR_LOCKED',
  'CONFIG_FILE_UNREADABLE',
  'REDIS_UNAVAILABLE',
]);

/** The one line to print for a known startup failure; undefined for anything else. */
export function startupFailure(
  error: unknown,
  config: Pick<SignalingConfig, 'port' | 'host'>,
): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && KNOWN_CODES.has(code) && typeof message === 'string')
    return message;
  // The web server's own bind (Node's code): say which setting collides.
  if (code === 'EADDRINUSE')
    return `PORT ${config.port} is already in use on ${config.host}: stop the other program or set PORT`;
  return undefined;
}
