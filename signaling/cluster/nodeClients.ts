// One remote client per SFU node of the registry, opened the first time a
// node is needed (a room placed on it, an admin asking for its load) rather
// than to every node at start. A client whose connection drops makes the
// directory count its node gone at once (and live again when it reconnects);
// a node that left the registry, or came back at another address, has its
// client closed.
import type { SfuEvent } from '../../sfu/api/index.js';
import type { NodeRecord } from '../../sfu/api/registry.js';
import type { Logger } from '../core/logger.js';
import { createRemoteSfu, type RemoteSfu, type ReconnectNotice } from '../sfu/remoteSfu.js';
import type { RegistryDirectory } from './registry.js';

export interface NodeClients {
  /** The client of this node (a live record from the directory), connected on first use. */
  get(node: NodeRecord): RemoteSfu;
  /** The node ids with an open client. */
  open(): string[];
  /** Events of every node's client, present and future, with the node they came from. */
  onNodeEvent(listener: NodeEventListener): () => void;
  /** A client's connection came back (its rooms need resynchronising). */
  onReconnect(listener: (nodeId: string, notice: ReconnectNotice) => void): () => void;
  close(): Promise<void>;
}

export type NodeEventListener = (nodeId: string, event: SfuEvent) => void;

export interface NodeClientsOptions {
  directory: RegistryDirectory;
  secret: string;
  /** PEM of the CA that signed https:// nodes' certificates. */
  ca?: string;
  /** How often a node whose connection dropped is checked for having left the registry. */
  heartbeatMs: number;
  log: Logger;
  /** The client factory (tests; by default the network client). */
  connect?: typeof createRemoteSfu;
}

interface Entry {
  nodeId: string;
  url: string;
  client: RemoteSfu;
  /** The incarnation whose record the client was opened for, or last greeted by. */
  incarnation: string;
  stops: Array<() => void>;
}

export function createNodeClients(options: NodeClientsOptions): NodeClients {
  const { directory, log } = options;
  const connect = options.connect ?? createRemoteSfu;
  const entries = new Map<string, Entry>();
  /** Each event listener's subscription on each open client. */
  const eventListeners = new Map<NodeEventListener, Map<Entry, () => void>>();
  const reconnectListeners = new Set<(nodeId: string, notice: ReconnectNotice) => void>();
  let sweepTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const subscribe = (entry: Entry, listener: NodeEventListener) =>
    entry.client.onEvent((event) => listener(entry.nodeId, event));

  function drop(nodeId: string, why: string): void {
    const entry = entries.get(nodeId);
    if (!entry) return;
    entries.delete(nodeId);
    for (const stop of entry.stops) stop();
    for (const perEntry of eventListeners.values()) perEntry.delete(entry);
    log.info({ nodeId, why }, 'SFU node client closed');
    void entry.client.close();
  }

  /** Clients of nodes that left the registry (or moved) are closed. */
  async function sweep(): Promise<void> {
    if (entries.size === 0) return;
    const registered = new Map((await directory.registered()).map((n) => [n.nodeId, n]));
    for (const [nodeId, entry] of entries) {
      const record = registered.get(nodeId);
      if (!record) drop(nodeId, 'left the registry');
      else if (record.internalUrl !== entry.url) drop(nodeId, 'moved to another address');
    }
  }

  // A dropped connection may be the node's death or only ours: until the
  // registry decides, check it every beat while any connection is down.
  function sweepWhileDown(): void {
    if (closed || sweepTimer) return;
    sweepTimer = setTimeout(() => {
      sweepTimer = undefined;
      void sweep()
        .catch((error: unknown) => log.warn({ err: error }, 'reading the SFU registry failed'))
        .finally(() => {
          if ([...entries.values()].some((e) => !e.client.connected)) sweepWhileDown();
        });
    }, options.heartbeatMs);
    sweepTimer.unref();
  }

  const stopWatching = directory.onChange(() => {
    void sweep().catch((error: unknown) =>
      log.warn({ err: error }, 'reading the SFU registry failed'),
    );
  });

  return {
    get(node) {
      const known = entries.get(node.nodeId);
      if (known && known.url === node.internalUrl) return known.client;
      if (known) drop(node.nodeId, 'moved to another address');
      const client = connect({
        url: node.internalUrl,
        secret: options.secret,
        ...(options.ca ? { ca: options.ca } : {}),
        log,
      });
      const entry: Entry = {
        nodeId: node.nodeId,
        url: node.internalUrl,
        client,
        incarnation: node.incarnation,
        stops: [],
      };
      entry.stops.push(
        client.onDisconnect(() => {
          directory.markGone(node.nodeId, client.node()?.incarnation ?? entry.incarnation);
          sweepWhileDown();
        }),
        client.onReconnect((notice) => {
          entry.incarnation = notice.node.incarnation;
          directory.markReachable(node.nodeId);
          for (const listener of [...reconnectListeners]) listener(node.nodeId, notice);
        }),
      );
      for (const [listener, perEntry] of eventListeners) {
        perEntry.set(entry, subscribe(entry, listener));
      }
      entries.set(node.nodeId, entry);
      log.info({ nodeId: node.nodeId, url: node.internalUrl }, 'connecting to SFU node');
      return client;
    },
    open: () => [...entries.keys()],
    onNodeEvent(listener) {
      const perEntry = new Map<Entry, () => void>();
      for (const entry of entries.values()) perEntry.set(entry, subscribe(entry, listener));
      eventListeners.set(listener, perEntry);
      return () => {
        eventListeners.delete(listener);
        for (const stop of perEntry.values()) stop();
      };
    },
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    async close() {
      closed = true;
      clearTimeout(sweepTimer);
      stopWatching();
      const all = [...entries.values()];
      entries.clear();
      await Promise.all(all.map((e) => e.client.close()));
    },
  };
}
