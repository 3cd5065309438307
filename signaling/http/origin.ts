// Which names this server answers to, and which pages may open a socket.
// Comparing Origin with Host is not enough: under DNS rebinding a foreign
// name resolves to this server, and the page's Origin and Host agree. So both
// are checked against names the server itself knows it serves: PUBLIC_URL,
// the address the connection arrived on, and loopback names when the
// connection came over loopback (a browser only sends `Host: localhost` when
// its user opened localhost on this machine).
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** Paths a load balancer or a scraper asks by IP or by any name: no Host check. */
const HOST_FREE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** `::ffff:127.0.0.1` (an IPv4 peer on a dual-stack socket) is `127.0.0.1`. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function isLoopbackAddress(address: string): boolean {
  return address === '::1' || address.startsWith('127.');
}

/** Host header → lower-case name without port or IPv6 brackets; undefined if malformed. */
function hostName(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  } catch {
    return undefined;
  }
}

export interface ServedNames {
  /** Is the request's Host a name this server serves? */
  isServedHost(req: IncomingMessage): boolean;
  /** May this request open a socket: a served Host, and no Origin or an allowed one. */
  isAllowedOrigin(req: IncomingMessage): boolean;
  /** Does this HTTP path need a served Host (everything but health and metrics)? */
  needsServedHost(pathname: string): boolean;
}

export function createServedNames(publicUrl: string | undefined): ServedNames {
  const publicOrigin = publicUrl === undefined ? undefined : new URL(publicUrl).origin;
  const publicName = publicUrl === undefined ? undefined : hostName(new URL(publicUrl).host);

  function servesName(name: string, req: IncomingMessage): boolean {
    if (name === publicName) return true;
    const local = plainAddress(req.socket.localAddress ?? '');
    if (local !== '' && name === local) return true;
    return LOOPBACK_NAMES.has(name) && isLoopbackAddress(local);
  }

  function isServedHost(req: IncomingMessage): boolean {
    const host = req.headers.host;
    if (!host) return false;
    const name = hostName(host);
    return name !== undefined && servesName(name, req);
  }

  function isAllowedOrigin(req: IncomingMessage): boolean {
    if (!isServedHost(req)) return false;
    const origin = req.headers.origin;
    // Tools and native clients send no Origin; browsers always do.
    if (!origin) return true;
    if (origin === publicOrigin) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    const name = hostName(url.host);
    // A page this server served itself: a served name on this very port.
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    return name !== undefined && servesName(name, req) && port === req.socket.localPort;
  }

  return {
    isServedHost,
    isAllowedOrigin,
    needsServedHost: (pathname) => !HOST_FREE_PATHS.has(pathname),
  };
}
