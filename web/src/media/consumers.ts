// Remote media: one consumer per newConsumer notification. Notifications that
// arrive before the receive transport exists wait in a queue; consumers are
// created one at a time in arrival order, then resumed on the server.
import type { types } from 'mediasoup-client';
import type { MediaSource, NotificationPayload } from '../../../signaling/protocol/index.js';
import { SignalingError, type SignalingClient } from '../signaling/client.js';

const RESUME_ATTEMPTS = 6;

export interface RemoteTrack {
  readonly consumerId: string;
  readonly producerId: string;
  readonly peerId: string;
  readonly source: MediaSource;
  readonly track: MediaStreamTrack;
}

type NewConsumer = NotificationPayload<'newConsumer'>;

export interface ConsumerSet {
  /** Starts consuming on this transport, the queued notifications first. */
  attach(transport: types.Transport): void;
  /** Closes every consumer and forgets the transport and the queue. */
  detach(): void;
  add(notification: NewConsumer): void;
  remove(consumerId: string): void;
  /** Closes whatever is left of a peer that went away. */
  removePeer(peerId: string): void;
  tracks(): RemoteTrack[];
}

export function createConsumerSet(signaling: SignalingClient, onChange: () => void): ConsumerSet {
  let transport: types.Transport | undefined;
  const queue: NewConsumer[] = [];
  const consumers = new Map<string, { consumer: types.Consumer; info: RemoteTrack }>();
  /** Closed by the server while its consumer was still being created. */
  const closedEarly = new Set<string>();
  let chain: Promise<void> = Promise.resolve();

  function close(consumerId: string): void {
    const entry = consumers.get(consumerId);
    if (!entry) return;
    consumers.delete(consumerId);
    entry.consumer.close();
    onChange();
  }

  async function consume(on: types.Transport, n: NewConsumer): Promise<void> {
    if (on !== transport || closedEarly.delete(n.consumerId)) return;
    let consumer: types.Consumer;
    try {
      consumer = await on.consume({
        id: n.consumerId,
        producerId: n.producerId,
        kind: n.kind,
        rtpParameters: n.rtpParameters as unknown as types.RtpParameters,
        appData: { peerId: n.peerId, source: n.source },
      });
    } catch (error) {
      if (on === transport) console.warn('could not consume', n.producerId, error);
      return;
    }
    if (on !== transport || closedEarly.delete(n.consumerId)) {
      consumer.close();
      return;
    }
    const info: RemoteTrack = {
      consumerId: n.consumerId,
      producerId: n.producerId,
      peerId: n.peerId,
      source: n.source,
      track: consumer.track,
    };
    consumers.set(n.consumerId, { consumer, info });
    consumer.on('transportclose', () => close(n.consumerId));
    onChange();
    // Server-side consumers start paused; the reply is not worth waiting for.
    void resume(on, n.consumerId);
  }

  /** Joining a busy room sends many of these at once: retry when rate-limited. */
  async function resume(on: types.Transport, consumerId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await signaling.request('resumeConsumer', { consumerId });
        return;
      } catch (error) {
        const limited = error instanceof SignalingError && error.code === 'RATE_LIMITED';
        if (!limited || attempt >= RESUME_ATTEMPTS) {
          console.warn('could not resume consumer', consumerId, error);
          return;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      if (on !== transport || !consumers.has(consumerId)) return;
    }
  }

  function enqueue(n: NewConsumer): void {
    const on = transport;
    if (!on) {
      queue.push(n);
      return;
    }
    chain = chain.then(() => consume(on, n));
  }

  return {
    attach(next) {
      transport = next;
      for (const n of queue.splice(0)) enqueue(n);
    },
    detach() {
      transport = undefined;
      queue.length = 0;
      closedEarly.clear();
      const hadConsumers = consumers.size > 0;
      for (const { consumer } of consumers.values()) consumer.close();
      consumers.clear();
      if (hadConsumers) onChange();
    },
    add: enqueue,
    remove(consumerId) {
      const queued = queue.findIndex((n) => n.consumerId === consumerId);
      if (queued >= 0) queue.splice(queued, 1);
      else if (consumers.has(consumerId)) close(consumerId);
      else if (transport) closedEarly.add(consumerId);
    },
    removePeer(peerId) {
      for (let i = queue.length - 1; i >= 0; i--)
        if (queue[i]?.peerId === peerId) queue.splice(i, 1);
      for (const [consumerId, { info }] of consumers) if (info.peerId === peerId) close(consumerId);
    },
    tracks: () => [...consumers.values()].map(({ info }) => info),
  };
}
