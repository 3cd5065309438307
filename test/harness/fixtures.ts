// Per-file fixtures: each use*() registers a beforeAll that starts the thing
// and an afterAll that stops it, and returns a handle that is filled once the
// beforeAll has run. Call them at the top of a describe block, in the order
// things depend on each other; vitest stops them in the reverse order.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { migrate, type Database } from '../../signaling/db/index.js';
import { openPglite } from '../../signaling/db/pglite.js';
import { launchChromium } from './browser.js';
import { startSfuNodePair } from './node.js';
import { connectClient, type ConnectOptions, type TestClient } from './client.js';
import { startNodePeer, type NodePeer } from './nodePeer.js';
import { startTestServer, type TestServer, type TestServerOptions } from './server.js';

/**
 * A stand-in for a value that exists only after beforeAll: property reads go
 * to the value, and reading one too early says which fixture it was.
 */
function lateHandle<T extends object>(what: string): { handle: T; fill(value: T): void } {
  let value: T | undefined;
  const handle = new Proxy({} as T, {
    get(_, property) {
      // Not a promise: `await handle` and vitest's checks must not trip here.
      if (property === 'then') return undefined;
      if (value === undefined) throw new Error(`${what} is used before its beforeAll ran`);
      const field: unknown = Reflect.get(value, property, value);
      return typeof field === 'function' ? field.bind(value) : field;
    },
    has(_, property) {
      return value !== undefined && Reflect.has(value, property);
    },
  });
  return {
    handle,
    fill(v) {
      value = v;
    },
  };
}

/**
 * A signaling server with a real SFU for the tests of this block. Options
 * that need other fixtures (a database) can be given as a function, asked in
 * the beforeAll.
 */
export function useTestServer(
  options: TestServerOptions | (() => TestServerOptions | Promise<TestServerOptions>) = {},
): TestServer {
  const { handle, fill } = lateHandle<TestServer>('useTestServer()');
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(typeof options === 'function' ? await options() : options);
    fill(server);
  });
  afterAll(async () => {
    await server?.close();
  });
  return handle;
}

export interface SfuNodePair {
  /** The signaling node's address (it serves the built web client). */
  readonly url: string;
  /** The SFU node's internal endpoint. */
  readonly sfuUrl: string;
  /** The secret both share (for a client of the SFU node's endpoint). */
  readonly sfuSecret: string;
}

/**
 * A signaling node process whose media is on a separate SFU node process
 * (SFU_NODES), both from the build, for the tests of this block.
 */
export function useSfuNodePair(): SfuNodePair {
  const { handle, fill } = lateHandle<SfuNodePair>('useSfuNodePair()');
  let pair: Awaited<ReturnType<typeof startSfuNodePair>> | undefined;
  beforeAll(async () => {
    pair = await startSfuNodePair();
    fill({ url: pair.signaling.url, sfuUrl: pair.sfu.url, sfuSecret: pair.secret });
  }, 240_000);
  afterAll(async () => {
    await pair?.stop();
  });
  return handle;
}

/** A fresh, migrated embedded database (PGlite in memory). */
export function useDatabase(): Database {
  const { handle, fill } = lateHandle<Database>('useDatabase()');
  let db: Database | undefined;
  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
    fill(db);
  });
  afterAll(async () => {
    await db?.close();
  });
  return handle;
}

/** One headless Chromium for the block; every context and page in it closes with it. */
export function useBrowser(): Browser {
  const { handle, fill } = lateHandle<Browser>('useBrowser()');
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
    fill(browser);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return handle;
}

/** Protocol clients that are all closed after the block. */
export function useClients(server: TestServer): (options?: ConnectOptions) => Promise<TestClient> {
  const clients: TestClient[] = [];
  afterAll(() => {
    for (const c of clients) c.close();
  });
  return async (options) => {
    const client = await connectClient(server.url, options);
    clients.push(client);
    return client;
  };
}

/** WebRTC peers in Node, started on demand and all closed after the block. */
export function useNodePeers(
  server: TestServer,
): (room: string, displayName: string) => Promise<NodePeer> {
  const peers: NodePeer[] = [];
  afterAll(async () => {
    for (const p of peers) await p.close();
  });
  return async (room, displayName) => {
    const peer = await startNodePeer(server.url, room, displayName);
    peers.push(peer);
    return peer;
  };
}

export interface PeerPair {
  /** Joined first. */
  readonly first: NodePeer;
  readonly second: NodePeer;
}

/** Two WebRTC peers in Node who have joined `room`, one after the other; neither sends yet. */
export function usePeerPair(server: TestServer, room: string, names: [string, string]): PeerPair {
  const start = useNodePeers(server);
  let pair: [NodePeer, NodePeer] | undefined;
  beforeAll(async () => {
    const first = await start(room, names[0]);
    pair = [first, await start(room, names[1])];
  });
  const get = (i: 0 | 1) => {
    if (!pair) throw new Error('usePeerPair() is used before its beforeAll ran');
    return pair[i];
  };
  return {
    get first() {
      return get(0);
    },
    get second() {
      return get(1);
    },
  };
}
