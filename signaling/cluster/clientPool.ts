// One client per live registry node, opened the first time the node is
// needed and closed when the node leaves the registry or comes back as
// another incarnation or at another address. Events and reconnect notices of
// every client, present and future, reach the pool's listeners.
import type { NodeRecord, SfuApi, SfuEventListener } from '../../sfu/api/index.js';
import type { Logger } from '../core/logger.js';
import type { NodeClientPool } from './homeRouter.js';
import type { NodeDirectory } from './nodeDirectory.js';

/** A node's client: the SfuApi, and its reconnect notice when it has one. */
export type NodeClient = SfuApi & {
  onReconnect?(listener: () => void): () => void;
};

export interface ClientPool extends NodeClientPool {
  close(): Promise<void>;
}

export function createClientPool(options: {
  directory: Pick<NodeDirectory, 'onChange'>;
  connect(node: NodeRecord): NodeClient;
  log: Logger;
}): ClientPool {
  const { log } = options;
  const entries = new Map<string, { key: string; api: NodeClient; stops: Array<() => void> }>();
  const eventListeners = new Set<SfuEventListener>();
  const reconnectListeners = new Set<() => void>();
  const keyOf = (node: NodeRecord) => `${node.incarnation}\n${node.internalUrl}`;

  function drop(nodeId: string): void {
    const entry = entries.get(nodeId);
    if (!entry) return;
    entries.delete(nodeId);
    for (const stop of entry.stops) stop();
    entry.api.close().catch((error: unknown) => {
      log.warn({ err: error, nodeId }, 'closing an SFU node client failed');
    });
  }

  const stopWatching = options.directory.onChange((nodes) => {
    const live = new Map(nodes.map((n) => [n.nodeId, keyOf(n)]));
    for (const [nodeId, entry] of [...entries]) {
      if (live.get(nodeId) !== entry.key) drop(nodeId);
    }
  });

  return {
    get(node) {
      const entry = entries.get(node.nodeId);
      if (entry?.key === keyOf(node)) return entry.api;
      if (entry) drop(node.nodeId);
      const api = options.connect(node);
      const stops = [...eventListeners].map((listener) => api.onEvent(listener));
      if (api.onReconnect) {
        stops.push(
          api.onReconnect(() => {
            for (const listener of [...reconnectListeners]) listener();
          }),
        );
      }
      entries.set(node.nodeId, { key: keyOf(node), api, stops });
      return api;
    },
    onEvent(listener) {
      eventListeners.add(listener);
      const stops = [...entries.values()].map((entry) => {
        const stop = entry.api.onEvent(listener);
        entry.stops.push(stop);
        return stop;
      });
      return () => {
        eventListeners.delete(listener);
        for (const stop of stops) stop();
      };
    },
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    async close() {
      stopWatching();
      for (const nodeId of [...entries.keys()]) drop(nodeId);
    },
  };
}
