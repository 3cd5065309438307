// `GET /metrics`: the process's Prometheus registry in the text format, for
// signaling and SFU nodes alike. With METRICS_TOKEN set, a scraper must send
// `Authorization: Bearer <token>` (compared in constant time, never logged);
// anything else gets 401. Without it the page is open: the port is then
// expected to be reachable by the monitoring network only.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { SfuLogger } from '../core/logger.js';
import { createSecretCheck } from './auth.js';

export interface MetricsRouteOptions {
  registry: Registry;
  /** METRICS_TOKEN; undefined: no token asked for. */
  token: string | undefined;
  log: SfuLogger;
}

/** Answers `/metrics` and resolves true; resolves false for any other path. */
export type MetricsRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) => Promise<boolean>;

/** The bearer token of an Authorization header, if it has one. */
function bearerOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** A scraper with a wrong token asks every interval: said at most this often. */
const REFUSAL_LOG_INTERVAL_MS = 60_000;

export function createMetricsRoute(options: MetricsRouteOptions): MetricsRoute {
  const accepts = options.token === undefined ? undefined : createSecretCheck([options.token]);
  let lastRefusalLogged = Number.NEGATIVE_INFINITY;
  return async (req, res, url) => {
    if (url.pathname !== '/metrics') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return true;
    }
    if (accepts && !accepts(bearerOf(req))) {
      if (Date.now() - lastRefusalLogged >= REFUSAL_LOG_INTERVAL_MS) {
        lastRefusalLogged = Date.now();
        // Who asked, not what they sent: the header may hold a mistyped token.
        options.log.warn(
          { address: req.socket.remoteAddress },
          'metrics scrape refused: missing or wrong METRICS_TOKEN',
        );
      }
      res
        .writeHead(401, {
          'www-authenticate': 'Bearer realm="metrics"',
          'content-type': 'text/plain; charset=utf-8',
          'cache-control': 'no-store',
        })
        .end('METRICS_TOKEN required: Authorization: Bearer <token>\n');
      return true;
    }
    const body = await options.registry.metrics();
    res
      .writeHead(200, { 'content-type': options.registry.contentType, 'cache-control': 'no-store' })
      .end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
