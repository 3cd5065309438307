// Remote media: one consumer per newConsumer notification. Notifications wait
// in a queue until the receive transport exists, and then a few milliseconds
// more, because each arrives in its own socket message: the consume() calls
// of one flush go out together and mediasoup-client folds them into a single
// SDP negotiation (a person's microphone and camera in one, a room of twenty
// in one or two rather than forty). Each is then resumed on the server unless
// the UI does not show that participant's camera (see consumerControl.ts).
import type { types } from 'mediasoup-client';
import type { MediaSource, NotificationPayload } from '../../../signaling/protocol/index.js';
import { markOnce } from '../lib/marks.js';
import type { SignalingClient } from '../signaling/client.js';
import { createConsumerControl } from './consumerControl.js';

export interface RemoteTrack {
  readonly consumerId: string;
  readonly producerId: string;
  readonly peerId: string;
  readonly source: MediaSource;
  readonly kind: 'audio' | 'video';
  readonly track: MediaStreamTrack;
}

type NewConsumer = NotificationPayload<'newConsumer'>;

/** How long newConsumer notifications are gathered before they are consumed together. */
const GATHER_MS = 20;

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
  /** Something was consumed on this transport, or waits to be. */
  busy(): boolean;
  /** Participants whose camera is not on screen: their camera consumers pause on the server. */
  setOffscreen(peerIds: ReadonlySet<string>): void;
  /** The simulcast layer (0 = smallest) a consumer's tile can use. */
  setPreferredLayer(consumerId: string, spatialLayer: number): void;
  stats(consumerId: string): Promise<RTCStatsReport | undefined>;
}

export function createConsumerSet(signaling: SignalingClient, onChange: () => void): ConsumerSet {
  let transport: types.Transport | undefined;
  const queue: NewConsumer[] = [];
  const consumers = new Map<string, { consumer: types.Consumer; info: RemoteTrack }>();
  /** Closed by the server while its consumer was still being created. */
  const closedEarly = new Set<string>();
  const control = createConsumerControl(signaling);
  let offscreen: ReadonlySet<string> = new Set();
  /** Since the transport was attached, something went to consume(). */
  let used = false;
  const hidden = (info: Pick<RemoteTrack, 'peerId' | 'source'>) =>
    info.source === 'camera' && offscreen.has(info.peerId);

  function close(consumerId: string): void {
    const entry = consumers.get(consumerId);
    if (!entry) return;
    consumers.delete(consumerId);
    control.forget(consumerId);
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
      kind: n.kind,
      track: consumer.track,
    };
    consumers.set(n.consumerId, { consumer, info });
    if (n.kind === 'video') markOnce('veche:consumer-video');
    consumer.on('transportclose', () => close(n.consumerId));
    onChange();
    // Server-side consumers start paused: resume what is on screen.
    control.track(n.consumerId, hidden(info));
  }

  let flushTimer: ReturnType<typeof setTimeout> | undefined;

  /** Consumes everything queued, all in the same moment (see the top). */
  function flush(): void {
    flushTimer = undefined;
    const on = transport;
    if (!on) return;
    if (queue.length > 0) used = true;
    for (const n of queue.splice(0)) void consume(on, n);
  }

  function enqueue(n: NewConsumer): void {
    if (n.kind === 'video') markOnce('veche:notified-video');
    queue.push(n);
    if (transport) flushTimer ??= setTimeout(flush, GATHER_MS);
  }

  return {
    attach(next) {
      transport = next;
      flush();
    },
    detach() {
      transport = undefined;
      used = false;
      clearTimeout(flushTimer);
      flushTimer = undefined;
      queue.length = 0;
      closedEarly.clear();
      control.clear();
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
    busy: () => used || queue.length > 0,
    setOffscreen(peerIds) {
      offscreen = peerIds;
      for (const [consumerId, { info }] of consumers) control.setPaused(consumerId, hidden(info));
    },
    setPreferredLayer: (consumerId, spatialLayer) => control.setLayer(consumerId, spatialLayer),
    async stats(consumerId) {
      return consumers.get(consumerId)?.consumer.getStats();
    },
  };
}
