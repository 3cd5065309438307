// The REST API under /api: authenticate (the verifier is injected), refresh
// the caller's user row, validate with the route's schemas, answer JSON or
// iCalendar, and map every failure to { error: { code, message, details? } }.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StaffIdentity } from '../auth/identity.js';
import { createBookingService } from '../bookings/service.js';
import { upsertUser } from '../catalog/users.js';
import type { Logger } from '../core/logger.js';
import type { Database } from '../db/index.js';
import type { RouteHandler } from '../http/server.js';
import type { ApiContext } from './context.js';
import { ApiError, mapError } from './errors.js';
import { clientIp, DEFAULT_BODY_LIMIT, readJson, sendJson, sendText } from './http.js';
import { openApiDocument } from './openapi.js';
import type { ClusterAdmin, LiveAdmin, TurnProbes } from './live.js';
import type { Reply, Route } from './route.js';
import { createRouter } from './router.js';
import { adminRoutes } from './routes/admin.js';
import { bookingRoutes } from './routes/bookings.js';
import { meetingRoutes } from './routes/meetings.js';
import { officeRoutes } from './routes/offices.js';
import { roomRoutes } from './routes/rooms.js';
import { turnProbeRoutes } from './routes/turnProbe.js';

export interface ApiDeps {
  db: Database;
  /** The caller's identity from the request's credentials; undefined answers 401. */
  authenticate: (req: IncomingMessage) => Promise<StaffIdentity | undefined>;
  /** Base of join links in invitations: <publicUrl>/r/<room>. */
  publicUrl: string;
  now?: () => Date;
  log?: Logger;
  /** Largest accepted JSON body in bytes (default 64 KiB). */
  bodyLimit?: number;
  /** Take the client address for the audit log from X-Forwarded-For. */
  trustProxy?: boolean;
  version?: string;
  /**
   * This node's live administration (SFU capacity, live rooms) for
   * /api/admin. Looked up per request: the signaling server that provides it
   * is built after the API handler. Without it those endpoints do not exist.
   */
  live?: () => LiveAdmin | undefined;
  /** The cluster view (SFU nodes, rooms of every signaling node) for /api/admin, looked up likewise. */
  cluster?: () => ClusterAdmin | undefined;
  /** The relay check's probes (/api/admin/turn/probe); without it those answer 404. */
  turnProbes?: TurnProbes;
}

export function apiRoutes(context: ApiContext): Route[] {
  return [
    ...roomRoutes(context),
    ...bookingRoutes(context),
    ...officeRoutes(context),
    ...meetingRoutes(context),
    // Only a server with live administration serves (and documents) /api/admin.
    ...(context.live ? [...adminRoutes(context), ...turnProbeRoutes(context)] : []),
  ];
}

/**
 * Content-Disposition for a download (RFC 6266): the name in ASCII for old
 * clients, and in full as UTF-8 (an office named in Cyrillic); a header
 * value carries no other characters.
 */
export function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  let encoded = '';
  for (const byte of Buffer.from(filename, 'utf8')) {
    const c = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9!#$&+.^_`|~-]/.test(c)
      ? c
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function send(res: ServerResponse, reply: Reply): void {
  if ('json' in reply) {
    sendJson(res, reply.status, reply.json);
    return;
  }
  sendText(res, reply.status, reply.text, {
    'content-type': reply.contentType,
    ...(reply.filename ? { 'content-disposition': attachment(reply.filename) } : {}),
  });
}

export function createApiHandler(deps: ApiDeps): RouteHandler {
  const now = deps.now ?? (() => new Date());
  const bodyLimit = deps.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const context: ApiContext = {
    db: deps.db,
    bookings: createBookingService({ db: deps.db, now }),
    publicUrl: deps.publicUrl,
    now,
    live: deps.live,
    cluster: deps.cluster,
    turnProbes: deps.turnProbes,
  };
  const routes = apiRoutes(context);
  const match = createRouter(routes);
  const openApi = JSON.stringify(openApiDocument(routes, deps.version ?? '0.1.0'));

  async function serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    if (url.pathname === '/api/openapi.json' && method === 'GET') {
      sendText(res, 200, openApi, { 'content-type': 'application/json; charset=utf-8' });
      return;
    }
    const { route, params } = match(method, url.pathname);
    const identity = await deps.authenticate(req);
    if (!identity)
      throw new ApiError('UNAUTHENTICATED', 'a valid bearer token is required', undefined, {
        'www-authenticate': 'Bearer',
      });
    const body = route.body ? await readJson(req, bodyLimit) : undefined;
    await upsertUser(deps.db, identity, now());
    const reply = await route.run({
      identity,
      params,
      query: Object.fromEntries(url.searchParams),
      body,
      ip: clientIp(req, deps.trustProxy ?? false),
    });
    send(res, reply);
  }

  return async (req, res, url) => {
    if (url.pathname !== '/api' && !url.pathname.startsWith('/api/')) return false;
    try {
      await serve(req, res, url);
    } catch (error) {
      const mapped = mapError(error);
      if (mapped.internal)
        deps.log?.error(
          { err: error, path: url.pathname, method: req.method },
          'api request failed',
        );
      if (res.headersSent) res.destroy();
      else sendJson(res, mapped.status, mapped.body, mapped.headers);
    }
    return true;
  };
}
