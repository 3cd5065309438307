// This node's end of one room's pipe toward another SFU node: a PipeTransport
// on the room's router (SRTP, and RTX so NACK retransmissions and RTCP
// feedback such as PLI cross it), what it sends (one pipe consumer per
// producer) and what it receives (producers piped in under their origin's
// ids). The room's pipes (pipes.ts) own the ends and decide what is reported.
import type { types } from 'mediasoup';
import { SfuError } from '../api/errors.js';
import type { PipeEndpoint, ProducerInfo, SfuResponse } from '../api/methods.js';
import { isWorkerGone } from './mediasoupErrors.js';
import type { PipeOptions } from './options.js';

/** A producer piped in from the remote node, taken under its origin's id. */
export interface PipedIn {
  /** Who it is, as its origin described it. */
  readonly info: ProducerInfo;
  readonly producer: types.Producer;
  /** Heard by the room's observers, and kept while its origin keeps it (no consumer needed). */
  observed: boolean;
  /** Local consumers, and pipe consumers relaying it to other nodes. */
  users: number;
}

export interface PipeEnd {
  readonly remoteNodeId: string;
  readonly transport: types.PipeTransport;
  /** What openPipe answers about this end now. */
  describe(): SfuResponse<'openPipe'>;
  /** Connects to the other end once; the same remote again is fine, another is PIPE_STALE. */
  connect(remote: PipeEndpoint): Promise<void>;
  /** Pipe consumers sending this room's producers to the remote node, by producer id. */
  readonly sending: Map<string, types.Consumer>;
  /** Producers received from the remote node, by producer id. */
  readonly receiving: Map<string, PipedIn>;
  /** Pipe consumers being made (concurrent requests share one), by producer id. */
  readonly sendingSoon: Map<string, Promise<types.Consumer>>;
  /** Piped-in producers being made, by producer id. */
  readonly receivingSoon: Map<string, Promise<PipedIn>>;
}

// mediasoup's SRTP parameter objects cross the contract as checked objects.
const toMediasoup = <T>(value: unknown): T => value as T;

export async function createPipeEnd(
  router: types.Router,
  remoteNodeId: string,
  options: PipeOptions,
): Promise<PipeEnd> {
  const transport = await router.createPipeTransport({
    listenInfo: {
      protocol: 'udp',
      ip: options.listenIp,
      ...(options.announcedAddress ? { announcedAddress: options.announcedAddress } : {}),
      portRange: options.portRange,
    },
    enableSrtp: true,
    enableRtx: true,
    appData: { remoteNodeId },
  });
  const address = options.announcedAddress ?? options.listenIp;
  let remote: { ip: string; port: number } | undefined;
  let connecting: { ip: string; port: number; done: Promise<void> } | undefined;

  const stale = (why: string) =>
    new SfuError('PIPE_STALE', `pipe ${transport.id} toward ${remoteNodeId} ${why}`);

  return {
    remoteNodeId,
    transport,
    sending: new Map(),
    receiving: new Map(),
    sendingSoon: new Map(),
    receivingSoon: new Map(),
    describe() {
      const srtpParameters = transport.srtpParameters;
      if (!srtpParameters) throw new Error('a pipe transport made with SRTP has no SRTP keys');
      return {
        pipeId: transport.id,
        local: { ip: address, port: transport.tuple.localPort, srtpParameters },
        connected: remote !== undefined,
        ...(remote ? { remote: { ...remote } } : {}),
      };
    },
    async connect({ ip, port, srtpParameters }) {
      const same = (to: { ip: string; port: number }) => to.ip === ip && to.port === port;
      if (remote) {
        if (same(remote)) return;
        throw stale(`is connected to ${remote.ip}:${remote.port}`);
      }
      if (connecting) {
        // Two callers connecting to the same remote both succeed, once.
        if (same(connecting)) return connecting.done;
        throw stale(`is being connected to ${connecting.ip}:${connecting.port}`);
      }
      const done = transport
        .connect({ ip, port, srtpParameters: toMediasoup<types.SrtpParameters>(srtpParameters) })
        .catch((error: unknown) => {
          // A closed transport (or worker) stays itself; anything else is the caller's keys or address.
          if (isWorkerGone(error)) throw error;
          throw new SfuError('INVALID_REQUEST', `cannot connect the pipe: ${String(error)}`);
        });
      const attempt = { ip, port, done };
      connecting = attempt;
      try {
        await attempt.done;
        remote = { ip, port };
      } finally {
        if (connecting === attempt) connecting = undefined;
      }
    },
  };
}
