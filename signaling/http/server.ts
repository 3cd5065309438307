// The HTTP side: health and readiness, the web client, and security headers on
// every answer.
import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Logger } from '../core/logger.js';
import type { ServedNames } from './origin.js';
import { createStaticHandler } from './static.js';

/** Handles a request if it is its own (e.g. `/api/…`); resolves false otherwise. */
export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) => Promise<boolean>;

export interface HttpOptions {
  webRoot: string;
  /** Origins allowed to frame the meeting page, besides this one. */
  frameAncestors: readonly string[];
  /** Extra routes tried before the web client (the REST API). */
  routes: readonly RouteHandler[];
  tls: { certFile: string; keyFile: string } | undefined;
  health: () => Promise<Record<string, unknown>>;
  /** Whether a balancer should send this node new connections (`/readyz`: 200, else 503). */
  ready: () => Promise<{ ready: boolean } & Record<string, unknown>>;
  /** Names this server answers to; anything else gets 421 (DNS rebinding). */
  servedNames: ServedNames;
  log: Logger;
}

function securityHeaders(frameAncestors: readonly string[]): Record<string, string> {
  const allowed = frameAncestors.map((o) => ` "${o}"`).join('');
  return {
    // Everything comes from this deployment: no CDN, font host or telemetry.
    'content-security-policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "media-src 'self' blob:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      `frame-ancestors 'self'${frameAncestors.map((o) => ` ${o}`).join('')}`,
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // An embedding page must also grant these in its iframe's `allow` attribute.
    'permissions-policy': ['camera', 'microphone', 'display-capture', 'fullscreen']
      .map((feature) => `${feature}=(self${allowed})`)
      .join(', '),
  };
}

export function createWebServer(options: HttpOptions) {
  const serveStatic = createStaticHandler(options.webRoot, options.frameAncestors);
  const headers = securityHeaders(options.frameAncestors);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    const url = URL.parse(req.url ?? '/', 'http://localhost');
    // A request target no URL can be made of (`//[`): the client's fault, not a server error.
    if (!url) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('bad request target');
      return;
    }
    if (
      options.servedNames.needsServedHost(url.pathname) &&
      !options.servedNames.isServedHost(req)
    ) {
      // 421: this server is not the one that name is meant for.
      res
        .writeHead(req.headers.host ? 421 : 400, { 'content-type': 'text/plain; charset=utf-8' })
        .end(req.headers.host ? 'unknown host name; open PUBLIC_URL' : 'Host header required');
      return;
    }
    for (const handle of options.routes) {
      if (await handle(req, res, url)) return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/healthz') {
      const body = JSON.stringify(await options.health());
      res
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(body);
      return;
    }
    if (url.pathname === '/readyz') {
      const readiness = await options.ready();
      res
        .writeHead(readiness.ready ? 200 : 503, {
          'content-type': 'application/json',
          'cache-control': 'no-store',
        })
        .end(JSON.stringify(readiness));
      return;
    }
    if (await serveStatic(url.pathname, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((error: unknown) => {
      options.log.error({ err: error, url: req.url?.split('?')[0] }, 'http request failed');
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };
  return options.tls
    ? createHttpsServer(
        { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) },
        listener,
      )
    : createHttpServer(listener);
}
