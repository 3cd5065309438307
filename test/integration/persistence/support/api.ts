// The REST API on a real HTTP server (the same web server signaling uses),
// authenticating real HS256 JWTs with jose, and a small client for it.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { pino } from 'pino';
import { createApiHandler } from '../../../../signaling/api/index.js';
import type { StaffIdentity } from '../../../../signaling/auth/identity.js';
import type { Database } from '../../../../signaling/db/index.js';

export interface TestUser {
  sub: string;
  name: string;
  office?: string | undefined;
  role: 'staff' | 'admin';
}

export const users: Record<'alice' | 'anna' | 'bob' | 'admin', TestUser> = {
  alice: { sub: 'alice', name: 'Алиса Петрова', office: 'gov-a', role: 'staff' },
  anna: { sub: 'anna', name: 'Anna Smirnova', office: 'gov-a', role: 'staff' },
  bob: { sub: 'bob', name: 'Bob Ivanov', office: 'gov-b', role: 'staff' },
  admin: { sub: 'root', name: 'Admin', role: 'admin' },
};

export const PUBLIC_URL = 'https://veche.gov.example';

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined for other bodies. */
  body: unknown;
}

export interface Client {
  get(path: string): Promise<ApiResponse>;
  post(path: string, body?: unknown): Promise<ApiResponse>;
  patch(path: string, body?: unknown): Promise<ApiResponse>;
  put(path: string, body?: unknown): Promise<ApiResponse>;
  delete(path: string): Promise<ApiResponse>;
  raw(path: string, init: RequestInit): Promise<ApiResponse>;
}

export interface TestApi {
  url: string;
  db: Database;
  /** The API's clock: tests move it. */
  clock: { now: Date };
  as(user: TestUser): Client;
  anonymous: Client;
  close(): Promise<void>;
}

function authenticator(secret: Uint8Array) {
  return async (req: IncomingMessage): Promise<StaffIdentity | undefined> => {
    const header = req.headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, secret, {
        audience: 'veche',
        algorithms: ['HS256'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.name !== 'string') return undefined;
      return {
        kind: 'staff',
        subject: payload.sub,
        displayName: payload.name,
        office: typeof payload.office === 'string' ? payload.office : undefined,
        globalRole: payload.role === 'admin' ? 'admin' : 'staff',
      };
    } catch {
      return undefined;
    }
  };
}

function client(base: string, token: string | undefined): Client {
  async function call(path: string, init: RequestInit): Promise<ApiResponse> {
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    const res = await fetch(base + path, { ...init, headers });
    const text = await res.text();
    const isJson = res.headers.get('content-type')?.startsWith('application/json');
    return {
      status: res.status,
      headers: res.headers,
      text,
      body: isJson ? JSON.parse(text) : undefined,
    };
  }
  const withBody = (method: string) => (path: string, body?: unknown) =>
    call(path, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
  return {
    get: (path) => call(path, { method: 'GET' }),
    post: withBody('POST'),
    patch: withBody('PATCH'),
    put: withBody('PUT'),
    delete: (path) => call(path, { method: 'DELETE' }),
    raw: call,
  };
}

export async function startApi(
  db: Database,
  options: { now: Date; bodyLimit?: number },
): Promise<TestApi> {
  const secret = randomBytes(32);
  const clock = { now: options.now };
  const handler = createApiHandler({
    db,
    authenticate: authenticator(secret),
    publicUrl: PUBLIC_URL,
    now: () => clock.now,
    log: pino({ level: 'silent' }),
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
  });
  // A bare HTTP server: the API is a route handler like any other, and
  // whatever it does not handle is a plain 404.
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    void handler(req, res, url).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (user: TestUser) =>
    new SignJWT({
      name: user.name,
      role: user.role,
      ...(user.office ? { office: user.office } : {}),
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.sub)
      .setAudience('veche')
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(secret);
  const clients = new Map<string, Client>();
  return {
    url,
    db,
    clock,
    as(user) {
      let c = clients.get(user.sub);
      if (!c) {
        // Tokens are signed lazily once per user; the client awaits the promise.
        const token = sign(user);
        const lazy: Client = {
          get: async (p) => client(url, await token).get(p),
          post: async (p, b) => client(url, await token).post(p, b),
          patch: async (p, b) => client(url, await token).patch(p, b),
          put: async (p, b) => client(url, await token).put(p, b),
          delete: async (p) => client(url, await token).delete(p),
          raw: async (p, i) => client(url, await token).raw(p, i),
        };
        c = lazy;
        clients.set(user.sub, c);
      }
      return c;
    },
    anonymous: client(url, undefined),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
