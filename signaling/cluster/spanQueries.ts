// What a room spanning SFU nodes is, asked of every node it may span: its
// producers (one listing under the home's epoch, numbered for the merged
// event stream), its counts, and where a consumer lives.
import {
  SfuError,
  type NodeRecord,
  type SfuApi,
  type SfuRequest,
  type SfuResponse,
} from '../../sfu/api/index.js';
import type { RoomEvents } from './roomEvents.js';
import type { RoomSpan } from './roomSpan.js';

export interface SpanQueriesPorts {
  clients: { get(node: NodeRecord): SfuApi };
  liveNodes(): Promise<NodeRecord[]>;
  live: ReadonlyMap<string, NodeRecord>;
  known: ReadonlyMap<string, NodeRecord>;
  findHome(roomId: string): Promise<NodeRecord>;
  events: Pick<RoomEvents, 'listingStarts' | 'listingDone'>;
  span: RoomSpan;
}

export interface SpanQueries {
  listProducers(roomId: string): Promise<SfuResponse<'listProducers'>>;
  onEveryPart<M extends 'inspectRoom' | 'closeRoom'>(
    method: M,
    request: SfuRequest<M>,
  ): Promise<Array<{ nodeId: string; reply: SfuResponse<M> }>>;
  inspectRoom(roomId: string): Promise<SfuResponse<'inspectRoom'>>;
  inspectConsumer(request: SfuRequest<'inspectConsumer'>): Promise<SfuResponse<'inspectConsumer'>>;
}

const isCode = (error: unknown, ...codes: string[]) =>
  error instanceof SfuError && codes.includes(error.code);

export function createSpanQueries(ports: SpanQueriesPorts): SpanQueries {
  const { clients, liveNodes, live, known, findHome, events, span } = ports;

  /** The room's producers on every node it spans, under its home's epoch. */
  async function listProducers(roomId: string): Promise<SfuResponse<'listProducers'>> {
    const home = await findHome(roomId);
    const before = events.listingStarts(roomId);
    const others = [...live.values()].filter((node) => node.nodeId !== home.nodeId);
    const [homeListing, ...otherListings] = await Promise.all([
      clients.get(home).call('listProducers', { roomId }),
      ...others.map((node) =>
        clients
          .get(node)
          .call('listProducers', { roomId })
          .catch((error: unknown) => {
            if (isCode(error, 'ROOM_NOT_FOUND')) return undefined;
            throw error;
          }),
      ),
    ]);
    const parts = [{ nodeId: home.nodeId, listing: homeListing }];
    others.forEach((node, i) => {
      const listing = otherListings[i];
      if (listing) parts.push({ nodeId: node.nodeId, listing });
    });
    const producers = parts.flatMap(({ nodeId, listing }) => {
      span.notePart(roomId, nodeId);
      for (const p of listing.producers) span.noteProducer(roomId, p.producerId, nodeId);
      return listing.producers;
    });
    const at = events.listingDone(
      roomId,
      before,
      homeListing.epoch,
      parts.map(({ nodeId, listing }) => ({ nodeId, epoch: listing.epoch, seq: listing.seq })),
    );
    return { ...at, producers };
  }

  /** Every live node that has the room (the home's answer first). */
  async function onEveryPart<M extends 'inspectRoom' | 'closeRoom'>(
    method: M,
    request: SfuRequest<M>,
  ): Promise<Array<{ nodeId: string; reply: SfuResponse<M> }>> {
    const nodes = await liveNodes();
    const replies = await Promise.all(
      nodes.map(async (node) => ({
        nodeId: node.nodeId,
        reply: await clients.get(node).call(method, request),
      })),
    );
    const home = known.get(request.roomId)?.nodeId;
    return replies.sort((a, b) => Number(b.nodeId === home) - Number(a.nodeId === home));
  }

  async function inspectRoom(roomId: string): Promise<SfuResponse<'inspectRoom'>> {
    const parts = (await onEveryPart('inspectRoom', { roomId })).map((p) => p.reply);
    const open = parts.filter((p) => p.exists);
    const sum = (pick: (p: (typeof parts)[number]) => number | undefined) =>
      open.reduce((n, p) => n + (pick(p) ?? 0), 0);
    if (open.length === 0)
      return { exists: false, peers: 0, transports: 0, producers: 0, consumers: 0 };
    return {
      exists: true,
      ...(open[0]?.epoch ? { epoch: open[0].epoch } : {}),
      peers: sum((p) => p.peers),
      transports: sum((p) => p.transports),
      producers: sum((p) => p.producers),
      consumers: sum((p) => p.consumers),
      routers: sum((p) => p.routers ?? 1),
      pipeTransports: sum((p) => p.pipeTransports),
      pipedProducers: sum((p) => p.pipedProducers),
    };
  }

  async function inspectConsumer(
    request: SfuRequest<'inspectConsumer'>,
  ): Promise<SfuResponse<'inspectConsumer'>> {
    for (const node of await liveNodes()) {
      try {
        return await clients.get(node).call('inspectConsumer', request);
      } catch (error) {
        if (!isCode(error, 'CONSUMER_NOT_FOUND', 'ROOM_NOT_FOUND')) throw error;
      }
    }
    throw new SfuError('CONSUMER_NOT_FOUND', `unknown consumer ${request.consumerId}`);
  }

  return { listProducers, onEveryPart, inspectRoom, inspectConsumer };
}
