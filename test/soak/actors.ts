// The participants of a soak: each one is a protocol client (join, chat,
// leave — the test client) or a WebRTC peer in Node (media both ways; the
// Node peer of the webrtc tier), and each action the churn can take on one.
// Every failed request is counted by its error code.
import type { NodePeer } from '../harness/nodePeer.js';
import { startNodePeer } from '../harness/nodePeer.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';

/** One place in the soak's rooms: a name per generation (a room that ended is not reopened). */
export interface RoomSlot {
  readonly index: number;
  generation: number;
  /** Participants counted in the room now, including dropped ones that may come back. */
  readonly members: Set<Actor>;
}

export const roomName = (prefix: string, slot: RoomSlot): string =>
  `${prefix}-${slot.index}-${slot.generation}`;

export interface Actor {
  readonly id: number;
  readonly room: string;
  readonly slot: RoomSlot;
  readonly displayName: string;
  readonly media: boolean;
  /** `away`: its connection dropped; it may come back within the grace period. */
  state: 'in' | 'away' | 'gone';
  /** An action is under way on it. */
  busy: boolean;
  url: string;
  client?: TestClient;
  peer?: NodePeer;
  resumeToken?: string;
  sending: boolean;
  readonly pausedProducers: Set<string>;
  readonly pausedConsumers: Set<string>;
}

/** What the churn did, and the errors it met, by code. */
export interface ChurnCounts {
  joins: number;
  mediaJoins: number;
  leaves: number;
  pageCloses: number;
  drops: number;
  returns: number;
  abandoned: number;
  produces: number;
  producerCloses: number;
  producerPauses: number;
  producerResumes: number;
  consumerPauses: number;
  consumerResumes: number;
  chats: number;
  roomsEnded: number;
  errors: Map<string, number>;
  /** The first few messages of each error code, for the diagnosis. */
  errorSamples: Map<string, string[]>;
}

export function newCounts(): ChurnCounts {
  return {
    joins: 0,
    mediaJoins: 0,
    leaves: 0,
    pageCloses: 0,
    drops: 0,
    returns: 0,
    abandoned: 0,
    produces: 0,
    producerCloses: 0,
    producerPauses: 0,
    producerResumes: 0,
    consumerPauses: 0,
    consumerResumes: 0,
    chats: 0,
    roomsEnded: 0,
    errors: new Map(),
    errorSamples: new Map(),
  };
}

/** The protocol error code of a failure (`failed: CODE …`), or what kind of failure it was. */
export function codeOf(error: unknown): string {
  const withCode = error as { code?: unknown; message?: unknown };
  if (typeof withCode.code === 'string' && /^[A-Z_]+$/.test(withCode.code)) return withCode.code;
  const message = error instanceof Error ? error.message : String(error);
  const coded = /failed: ([A-Z_]+)/.exec(message)?.[1];
  if (coded) return coded;
  if (/timed? ?out/i.test(message)) return 'TIMEOUT';
  return 'CLIENT_ERROR';
}

export function countError(counts: ChurnCounts, error: unknown, action: string): void {
  const code = codeOf(error);
  counts.errors.set(code, (counts.errors.get(code) ?? 0) + 1);
  const samples = counts.errorSamples.get(code) ?? [];
  if (samples.length < 3) {
    samples.push(`${action}: ${error instanceof Error ? error.message : String(error)}`);
    counts.errorSamples.set(code, samples);
  }
}

/** The connection requests of this actor go over now. */
export function connectionOf(actor: Actor): TestClient {
  const client = actor.peer?.client ?? actor.client;
  if (!client) throw new Error(`actor ${actor.id} has no connection`);
  return client;
}

/**
 * A local address of its own for each protocol client (the signaling nodes
 * limit new connections per address, as per office); a small pool, so the
 * nodes' per-address buckets stay few.
 */
const localAddress = (id: number) => `127.0.1.${1 + (id % 64)}`;

/** Joins `actor`'s room: a protocol client, or a Node peer with its transports. */
export async function joinActor(actor: Actor, urls: readonly string[]): Promise<void> {
  if (actor.media) {
    actor.peer = await startNodePeer(actor.url, actor.room, actor.displayName, {
      reconnectUrls: urls,
    });
    return;
  }
  const client = await connectClient(actor.url, { localAddress: localAddress(actor.id) });
  actor.client = client;
  try {
    const joined = await client.join(actor.room, actor.displayName);
    actor.resumeToken = joined.resumeToken;
  } catch (error) {
    client.close();
    throw error;
  }
}

/** Breaks the connection as a network drop does (no goodbye: the server keeps the place). */
export function dropActor(actor: Actor): void {
  if (actor.peer) actor.peer.drop();
  else actor.client?.socket.io.engine.close();
}

/**
 * Comes back after a drop, on `url`, with the resume token (a Node peer asks
 * to keep its media). Rejects when the server refused or did not answer in
 * `withinMs`; the actor is then closed.
 */
export async function returnActor(actor: Actor, url: string, withinMs: number): Promise<void> {
  if (actor.peer) {
    const peer = actor.peer;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`resume timed out after ${withinMs} ms`)),
        withinMs,
      );
    });
    try {
      await Promise.race([peer.comeBack(url), timeout]);
      actor.url = url;
    } catch (error) {
      await peer.close().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return;
  }
  actor.client?.close();
  const client = await connectClient(url, { localAddress: localAddress(actor.id) });
  actor.client = client;
  try {
    const reply = await client.request('join', {
      room: actor.room,
      displayName: actor.displayName,
      protocolVersion: PROTOCOL_VERSION,
      ...(actor.resumeToken ? { resumeToken: actor.resumeToken } : {}),
    });
    if (reply.status !== 'joined') throw new Error(`resume ended in ${reply.status}`);
    actor.resumeToken = reply.resumeToken;
    actor.url = url;
  } catch (error) {
    client.close();
    throw error;
  }
}

/** Releases what the actor holds on our side (after it left, or when it is abandoned). */
export async function closeActor(actor: Actor): Promise<void> {
  if (actor.peer) await actor.peer.close().catch(() => undefined);
  actor.client?.close();
}

/** Starts sending (two producers) or, when sending, closes the camera and produces it anew. */
export async function produceActor(actor: Actor, counts: ChurnCounts): Promise<void> {
  const peer = actor.peer!;
  if (!actor.sending) {
    actor.sending = true;
    await peer.startSending();
    counts.produces += 2;
    return;
  }
  const old = peer.producerIds.camera;
  await peer.replaceCamera();
  counts.producerCloses += 1;
  counts.produces += 1;
  if (old) actor.pausedProducers.delete(old);
}

/** Pauses one of the actor's producers or consumers, or resumes it when paused. */
export async function toggleMedia(
  actor: Actor,
  what: 'producer' | 'consumer',
  id: string,
  counts: ChurnCounts,
): Promise<void> {
  const client = connectionOf(actor);
  const paused = what === 'producer' ? actor.pausedProducers : actor.pausedConsumers;
  const resume = paused.has(id);
  if (what === 'producer') {
    await client.request(resume ? 'resumeProducer' : 'pauseProducer', { producerId: id });
    counts[resume ? 'producerResumes' : 'producerPauses'] += 1;
  } else {
    await client.request(resume ? 'resumeConsumer' : 'pauseConsumer', { consumerId: id });
    counts[resume ? 'consumerResumes' : 'consumerPauses'] += 1;
  }
  if (resume) paused.delete(id);
  else paused.add(id);
}
