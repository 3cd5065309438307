// SFU_NODES=registry until placement by load lands: one SfuApi over the live
// nodes of the registry, each room on the node its name hashes to among them
// (as the fixed SFU_NODES list does). Replaced by the placement router, which
// records each room's home; this one moves a room when the live set changes,
// so it is only fit while nodes come and go rarely.
import {
  SfuError,
  type SfuApi,
  type SfuMethodName,
  type SfuRequest,
  type SfuResponse,
} from '../../sfu/api/index.js';
import type { NodeRecord } from '../../sfu/api/registry.js';
import type { NodeClients } from './nodeClients.js';
import type { NodeDirectory } from './nodeDirectory.js';
import { createSfuRouter, roomHash } from './sfuRouter.js';

export function createRegistryHashRouter(directory: NodeDirectory, clients: NodeClients): SfuApi {
  /** The live set as last heard (kept current by the directory's change notices). */
  let live: NodeRecord[] | undefined;
  const stopWatching = directory.onChange((nodes) => {
    live = nodes;
  });
  const watched = new Set<string>();

  async function nodes(): Promise<NodeRecord[]> {
    live ??= await directory.snapshot();
    if (live.length === 0) throw new SfuError('SFU_UNAVAILABLE', 'no SFU node is registered');
    return live;
  }

  const clientForRoom = (all: NodeRecord[], roomId: string) =>
    clients.get(all[roomHash(roomId) % all.length] as NodeRecord);

  return {
    async call<M extends SfuMethodName>(
      method: M,
      request: SfuRequest<M>,
    ): Promise<SfuResponse<M>> {
      const all = await nodes();
      // The fixed-list router over the clients of the nodes live now.
      return createSfuRouter(all.map((n) => clients.get(n))).call(method, request);
    },
    onEvent: (listener) => clients.onEvent(listener),
    watchRoom(roomId) {
      watched.add(roomId);
      void nodes().then(
        (all) => clientForRoom(all, roomId).watchRoom(roomId),
        () => undefined, // no node yet: the room's calls fail and say so
      );
    },
    unwatchRoom(roomId) {
      if (!watched.delete(roomId)) return;
      for (const n of live ?? []) clients.get(n).unwatchRoom(roomId);
    },
    async close() {
      stopWatching();
      await clients.close();
    },
  };
}
