// Every request the signaling plane can make of the SFU, as schemas. The SFU
// is room-scoped from signaling's side: signaling names rooms and peers, the
// SFU names transports, producers and consumers.
import { z } from 'zod';
import {
  dtlsParametersSchema,
  iceParametersSchema,
  mediaKindSchema,
  rtpCapabilitiesSchema,
  rtpParametersSchema,
  srtpParametersSchema,
  webRtcTransportOptionsSchema,
} from './rtp.js';
import { nodeStateSchema } from './registry.js';
import {
  iceProbeDataConsumerSchema,
  iceProbeIdSchema,
  iceProbeTransportSchema,
  MAX_ICE_PROBE_TTL_MS,
} from './iceProbe.js';

const idSchema = z.string().min(1).max(128);
const roomScope = { roomId: idSchema };
const peerScope = { roomId: idSchema, peerId: idSchema };
const empty = z.object({});

export const transportDirectionSchema = z.enum(['send', 'recv']);
export type TransportDirection = z.infer<typeof transportDirectionSchema>;

/**
 * Who holds a room or peer: a signaling node's id. The holder renews its lease
 * (`renewLease`); when a lease runs out the SFU reaps what that owner held, so
 * a crashed signaling node leaks nothing. A request without an owner creates
 * objects nobody reaps (tools and tests of the SFU alone); signaling always
 * names itself.
 */
export const ownerSchema = idSchema;
/** How long a lease lasts without renewal (SFU_LEASE_SECONDS on the signaling side). */
export const leaseMsSchema = z
  .number()
  .int()
  .min(1000)
  .max(24 * 3600_000);
/**
 * The room's media generation: opaque, new whenever the room's media is
 * rebuilt (a worker died) or the node restarted — never a counter that could
 * repeat after a crash. Events carry it with a per-room sequence number.
 */
export const epochSchema = z.string().min(1).max(64);
/** What signaling says a producer is (e.g. its source: mic, camera, screen), opaque to the SFU. */
export const producerLabelSchema = z.string().min(1).max(64);

export const producerInfoSchema = z.object({
  peerId: idSchema,
  producerId: idSchema,
  kind: mediaKindSchema,
  label: producerLabelSchema,
  paused: z.boolean(),
});
export type ProducerInfo = z.infer<typeof producerInfoSchema>;

const roomInspectionSchema = z.object({
  exists: z.boolean(),
  /** Absent when the room is not open. */
  epoch: epochSchema.optional(),
  peers: z.number().int(),
  transports: z.number().int(),
  producers: z.number().int(),
  consumers: z.number().int(),
  /** Routers the room uses on this node (one per worker it spans); absent from older nodes. */
  routers: z.number().int().optional(),
  /** Pipe transports toward other nodes (one per remote node with traffic); absent from older nodes. */
  pipeTransports: z.number().int().optional(),
  /** Producers piped in from other nodes; absent from older nodes. */
  pipedProducers: z.number().int().optional(),
});

/** An SFU node's id as the registry names it (SFU_NODE_ID). */
export const nodeIdSchema = idSchema;

/** One end of a pipe between two nodes: where it listens and its SRTP keys. */
export const pipeEndpointSchema = z.object({
  ip: z.string().min(1).max(64),
  port: z.number().int().min(1).max(65535),
  srtpParameters: srtpParametersSchema,
});
export type PipeEndpoint = z.infer<typeof pipeEndpointSchema>;

/** A producer as it crosses a pipe: who it is, and the RTP the pipe carries for it. */
export const pipedProducerSchema = z.object({
  producer: producerInfoSchema,
  rtpParameters: rtpParametersSchema,
});
export type PipedProducer = z.infer<typeof pipedProducerSchema>;

const layersSchema = z.object({
  spatialLayer: z.number().int().min(0).max(7),
  temporalLayer: z.number().int().min(0).max(7).optional(),
});

const consumerInspectionSchema = z.object({
  kind: mediaKindSchema,
  type: z.enum(['simple', 'simulcast', 'svc', 'pipe']),
  paused: z.boolean(),
  producerPaused: z.boolean(),
  preferredLayers: layersSchema.optional(),
  currentLayers: layersSchema.optional(),
});

export const workerLoadSchema = z.object({
  index: z.number().int(),
  pid: z.number().int(),
  rooms: z.number().int(),
  transports: z.number().int(),
  /** Absent from nodes of an older release. */
  producers: z.number().int().optional(),
  consumers: z.number().int(),
  /** Bytes the worker's open transports received / sent so far; absent from older nodes. */
  bytesIn: z.number().nonnegative().optional(),
  bytesOut: z.number().nonnegative().optional(),
  /** Takes no new rooms; its rooms keep running. */
  draining: z.boolean(),
  /** Cumulative CPU time of the worker process (user + system), ms; absent if unknown. */
  cpuMs: z.number().nonnegative().optional(),
  /** Bits per second its open transports receive / send now (mediasoup's rates); absent from older nodes. */
  bitrateIn: z.number().nonnegative().optional(),
  bitrateOut: z.number().nonnegative().optional(),
  /**
   * Share of RTP packets lost (0–1) on the way in / out, as the receiving
   * side reports it in transport-wide congestion control feedback, weighted
   * by each transport's bitrate; absent when no transport has such feedback.
   */
  lossIn: z.number().min(0).max(1).optional(),
  lossOut: z.number().min(0).max(1).optional(),
  /** Pipe transports toward other nodes (rooms that span nodes); absent from older nodes. */
  pipeTransports: z.number().int().nonnegative().optional(),
});

const loadSchema = z.object({ workers: z.array(workerLoadSchema), state: nodeStateSchema });

export const sfuMethods = {
  /**
   * Opens the room (idempotent). With an owner, the room is held by that
   * owner's lease until `closeRoom`, or until no owner holds it or any of its
   * peers (then the SFU closes it itself: `roomClosed` with `noOwner`).
   */
  openRoom: {
    request: z.object({
      ...roomScope,
      owner: ownerSchema.optional(),
      leaseMs: leaseMsSchema.optional(),
    }),
    response: z.object({ rtpCapabilities: rtpCapabilitiesSchema, epoch: epochSchema }),
  },
  /**
   * Makes `owner` the holder of a peer: creates it when new, or adopts it
   * (the lease moves) when another owner held it — e.g. the participant's
   * connection resumed on another signaling node. Answers what the peer
   * already has, so the new owner can carry on with it. The room must be open.
   */
  attachPeer: {
    request: z.object({ ...peerScope, owner: ownerSchema, leaseMs: leaseMsSchema }),
    response: z.object({
      epoch: epochSchema,
      /** True when the peer existed (under this or another owner) and was taken over. */
      adopted: z.boolean(),
      previousOwner: ownerSchema.optional(),
      transports: z.array(z.object({ transportId: idSchema, direction: transportDirectionSchema })),
      producers: z.array(producerInfoSchema),
      consumers: z.array(
        z.object({
          consumerId: idSchema,
          producerId: idSchema,
          kind: mediaKindSchema,
          paused: z.boolean(),
          producerPaused: z.boolean(),
        }),
      ),
    }),
  },
  /** Extends the lease of every room and peer `owner` holds; a signaling node calls it periodically. */
  renewLease: {
    request: z.object({ owner: ownerSchema, leaseMs: leaseMsSchema }),
    response: z.object({ rooms: z.number().int(), peers: z.number().int() }),
  },
  /**
   * The room's producers now, with the epoch and the sequence number of the
   * last event sent: a subscriber that missed events (a gap in `seq`, another
   * epoch, a reconnection) resynchronises from this.
   */
  listProducers: {
    request: z.object(roomScope),
    response: z.object({
      epoch: epochSchema,
      seq: z.number().int().nonnegative(),
      producers: z.array(producerInfoSchema),
    }),
  },
  closeRoom: { request: z.object(roomScope), response: empty },
  createWebRtcTransport: {
    request: z.object({ ...peerScope, direction: transportDirectionSchema }),
    response: webRtcTransportOptionsSchema,
  },
  /** Closes one of a peer's transports with its producers and consumers; idempotent. */
  closeTransport: {
    request: z.object({ ...peerScope, transportId: idSchema }),
    response: empty,
  },
  connectWebRtcTransport: {
    request: z.object({
      ...peerScope,
      transportId: idSchema,
      dtlsParameters: dtlsParametersSchema,
    }),
    response: empty,
  },
  restartIce: {
    request: z.object({ ...peerScope, transportId: idSchema }),
    response: z.object({ iceParameters: iceParametersSchema }),
  },
  produce: {
    request: z.object({
      ...peerScope,
      transportId: idSchema,
      kind: mediaKindSchema,
      rtpParameters: rtpParametersSchema,
      paused: z.boolean().optional(),
      /** Carried in `producerOpened` and `listProducers` (signaling sends the source). */
      label: producerLabelSchema.optional(),
    }),
    response: z.object({ producerId: z.string() }),
  },
  pauseProducer: { request: z.object({ ...peerScope, producerId: idSchema }), response: empty },
  resumeProducer: { request: z.object({ ...peerScope, producerId: idSchema }), response: empty },
  closeProducer: { request: z.object({ ...peerScope, producerId: idSchema }), response: empty },
  consume: {
    request: z.object({
      ...peerScope,
      transportId: idSchema,
      producerId: idSchema,
      rtpCapabilities: rtpCapabilitiesSchema,
    }),
    response: z.object({
      consumerId: z.string(),
      producerId: z.string(),
      kind: mediaKindSchema,
      rtpParameters: rtpParametersSchema,
      type: z.enum(['simple', 'simulcast', 'svc', 'pipe']),
      producerPaused: z.boolean(),
    }),
  },
  resumeConsumer: { request: z.object({ ...peerScope, consumerId: idSchema }), response: empty },
  pauseConsumer: { request: z.object({ ...peerScope, consumerId: idSchema }), response: empty },
  setConsumerPreferredLayers: {
    request: z.object({ ...peerScope, consumerId: idSchema, ...layersSchema.shape }),
    response: empty,
  },
  /** A consumer's server-side state wherever it lives in the room (tests, diagnostics). */
  inspectConsumer: {
    request: z.object({ ...roomScope, consumerId: idSchema }),
    response: consumerInspectionSchema,
  },
  /**
   * Whether a receiver with these capabilities can take the room's media: it
   * must decode the room's preferred codec of each kind (what every Veche
   * client sends). `missing` names the codecs it lacks (e.g. "video/VP8").
   */
  checkRtpCapabilities: {
    request: z.object({ ...roomScope, rtpCapabilities: rtpCapabilitiesSchema }),
    response: z.object({ canReceive: z.boolean(), missing: z.array(z.string()) }),
  },
  closePeer: { request: z.object(peerScope), response: empty },
  inspectRoom: { request: z.object(roomScope), response: roomInspectionSchema },
  getLoad: { request: empty, response: loadSchema },
  /**
   * The RTP capabilities every room's router has (they follow from the codec
   * list alone), for clients that prepare before they join a room.
   */
  getRtpCapabilities: {
    request: empty,
    response: z.object({ rtpCapabilities: rtpCapabilitiesSchema }),
  },
  /**
   * A draining worker gets no new rooms while any other worker takes them;
   * its rooms keep running. When every worker drains, rooms still open on the
   * least loaded one (draining never refuses a meeting).
   */
  setWorkerDraining: {
    request: z.object({ workerIndex: z.number().int().min(0), draining: z.boolean() }),
    response: z.object({ workerIndex: z.number().int(), draining: z.boolean() }),
  },
  /**
   * Pipes between nodes (a room that spans nodes). Signaling sets them up on
   * demand: both nodes `openPipe` toward each other, each `connectPipe`s to
   * the other's end, then the producer's node `pipeProducer`s it and the
   * consumer's node `acceptPipedProducer`s it under the same producer id, so
   * its peers consume it like a local one. One pipe transport per room and
   * remote node, SRTP on, a port from PIPE_PORT_RANGE. Each node's part of a
   * room is opened with `openRoom` like the home's.
   *
   * Opens (or returns) this node's end of the room's pipe toward `remoteNodeId`.
   */
  openPipe: {
    request: z.object({ ...roomScope, remoteNodeId: nodeIdSchema }),
    response: z.object({
      /** This end's id: connectPipe names it, so a pipe made anew meanwhile is not connected by mistake. */
      pipeId: idSchema,
      local: pipeEndpointSchema,
      /** Already connected (to `remote`): a second caller need not connect it again. */
      connected: z.boolean(),
      remote: z.object({ ip: z.string(), port: z.number().int() }).optional(),
    }),
  },
  /**
   * Connects this end to the other node's end (idempotent for the same
   * remote; PIPE_STALE when `pipeId` is not this end any more or it is
   * connected elsewhere).
   */
  connectPipe: {
    request: z.object({
      ...roomScope,
      remoteNodeId: nodeIdSchema,
      pipeId: idSchema,
      remote: pipeEndpointSchema,
    }),
    response: empty,
  },
  /**
   * Sends one of this node's producers (its own, or one piped in from a third
   * node) through the pipe toward `remoteNodeId` (idempotent): answers what
   * the other end needs to accept it.
   */
  pipeProducer: {
    request: z.object({ ...roomScope, remoteNodeId: nodeIdSchema, producerId: idSchema }),
    response: pipedProducerSchema,
  },
  /**
   * Takes a producer piped in from `remoteNodeId` under its own id
   * (idempotent). `observe`: the room's active-speaker observers hear it
   * (the room's home hears every audio producer), and it stays while its
   * origin does; otherwise it closes when its last consumer here goes.
   * It is never paused here: a pause at the origin stops what the pipe
   * carries (its consumers here are not told `producerPaused`; the origin's
   * `producerPaused`/`producerResumed` events say it).
   */
  acceptPipedProducer: {
    request: z.object({
      ...roomScope,
      remoteNodeId: nodeIdSchema,
      ...pipedProducerSchema.shape,
      observe: z.boolean().optional(),
    }),
    response: empty,
  },
  /**
   * Closes this node's end of the pipe toward `remoteNodeId`, or only what
   * it carries of one producer (either direction). Idempotent. What a
   * request closes is not reported back as `pipeClosed`.
   */
  closePipe: {
    request: z.object({
      ...roomScope,
      remoteNodeId: nodeIdSchema,
      producerId: idSchema.optional(),
    }),
    response: empty,
  },
  /**
   * The whole node drains (DRAINING in its registry record: no new rooms or
   * peers are placed on it; what it carries keeps running) or serves again.
   * `migrate` (with draining): the node also closes every room it carries
   * (`roomClosed` with reason `migrated`), so signaling opens each elsewhere
   * and its participants rebuild their media there; a draining node keeps
   * only what it still has. `rooms`: how many it still carries.
   */
  setNodeDraining: {
    request: z.object({ draining: z.boolean(), migrate: z.boolean().optional() }),
    response: z.object({ state: nodeStateSchema, rooms: z.number().int().optional() }),
  },
  /**
   * An ICE probe (iceProbe.ts): a WebRTC transport of its own on this node's
   * media ports (the ones participants use), with SCTP and one data consumer
   * that carries ICE_PROBE_MESSAGE_BYTES-byte messages every
   * ICE_PROBE_INTERVAL_MS once the client's DTLS is up. Not part of any room
   * (never counted in loads, listings or drains); it closes itself after
   * `ttlMs` (at most MAX_ICE_PROBE_TTL_MS) and when the node stops. A node
   * holds a few at once: more are refused with PROBE_LIMIT. Opening an id
   * that is open answers that probe again.
   */
  openIceProbe: {
    request: z.object({
      probeId: iceProbeIdSchema.optional(),
      ttlMs: z.number().int().min(1000).max(MAX_ICE_PROBE_TTL_MS),
    }),
    response: z.object({
      probeId: iceProbeIdSchema,
      /** When it closes itself, from now (ms). */
      ttlMs: z.number().int(),
      routerRtpCapabilities: rtpCapabilitiesSchema,
      transport: iceProbeTransportSchema,
      dataConsumer: iceProbeDataConsumerSchema,
    }),
  },
  /** Connects the probe's transport to the client's DTLS end (PROBE_NOT_FOUND once it closed). */
  connectIceProbe: {
    request: z.object({ probeId: iceProbeIdSchema, dtlsParameters: dtlsParametersSchema }),
    response: empty,
  },
  /** Closes a probe; idempotent. */
  closeIceProbe: { request: z.object({ probeId: iceProbeIdSchema }), response: empty },
} as const;

export type SfuMethods = typeof sfuMethods;
export type SfuMethodName = keyof SfuMethods;
export type SfuRequest<M extends SfuMethodName> = z.input<SfuMethods[M]['request']>;
export type SfuResponse<M extends SfuMethodName> = z.output<SfuMethods[M]['response']>;
export const sfuMethodNames = Object.keys(sfuMethods) as SfuMethodName[];
