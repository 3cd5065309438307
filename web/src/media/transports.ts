// Creates the send and receive WebRTC transports of one media epoch and wires
// their events to signaling: DTLS connect, produce, and the recovery of a
// lost path (ICE restart, then a rebuild: iceRecovery.ts). Their connection
// states are reported too (for the "reconnecting audio and video" notice).
// TURN servers come with every transport and ICE restart, with credentials
// of their own; with the relay switch on, media go through them only.
import type { types } from 'mediasoup-client';
import type { MediaSource, ResponseData } from '../../../signaling/protocol/index.js';
import type { SignalingClient } from '../signaling/client.js';
import { createIceRecovery } from './iceRecovery.js';
import { relayOnly } from './relayPolicy.js';

type Transport = types.Transport;
type Device = types.Device;

/** A transport's connection state changed (a closed transport reports nothing more). */
export type OnTransportState = (direction: 'send' | 'recv', state: types.ConnectionState) => void;

export interface Transports {
  send: Transport;
  recv: Transport;
}

/** appData a producer carries from produce() to the transport's 'produce' event. */
export interface ProducerAppData {
  [key: string]: unknown;
  source: MediaSource;
  paused: boolean;
}

function toOptions(
  options: ResponseData<'createTransport'>,
  relay: boolean,
): types.TransportOptions {
  const iceServers = options.iceServers ?? [];
  return {
    id: options.id,
    iceParameters: options.iceParameters as unknown as types.IceParameters,
    iceCandidates: options.iceCandidates as unknown as types.IceCandidate[],
    dtlsParameters: options.dtlsParameters as unknown as types.DtlsParameters,
    iceServers,
    // Relay only with a relay to use: without one no path could ever connect.
    iceTransportPolicy: relay && iceServers.length > 0 ? 'relay' : 'all',
  };
}

/** A transport's media path could not be recovered: the caller rebuilds its media. */
export type OnStuck = (direction: 'send' | 'recv') => void;

function wire(
  transport: Transport,
  signaling: SignalingClient,
  onState: OnTransportState,
  onStuck: OnStuck,
): void {
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    signaling
      .request('connectTransport', { transportId: transport.id, dtlsParameters })
      .then(() => callback(), errback);
  });

  const recovery = createIceRecovery({
    async restart() {
      const { iceParameters, iceServers } = await signaling.request('restartIce', {
        transportId: transport.id,
      });
      if (transport.closed) return;
      if (iceServers) await transport.updateIceServers({ iceServers });
      await transport.restartIce({
        iceParameters: iceParameters as unknown as types.IceParameters,
      });
    },
    onStuck: () => {
      if (!transport.closed) onStuck(transport.direction);
    },
  });
  transport.on('connectionstatechange', (state) => {
    onState(transport.direction, state);
    if (transport.closed) recovery.close();
    else recovery.state(state);
  });
  transport.observer.on('close', () => recovery.close());
}

export type TransportOptions = readonly [
  send: ResponseData<'createTransport'>,
  recv: ResponseData<'createTransport'>,
];

/**
 * Asks the server for both transports at once (it answers in order); needs
 * no device, so it runs while the device loads.
 */
export function requestTransports(signaling: SignalingClient): Promise<TransportOptions> {
  return Promise.all([
    signaling.request('createTransport', { direction: 'send' }),
    signaling.request('createTransport', { direction: 'recv' }),
  ]);
}

/**
 * Tells the server that transports this client replaced are done with, so
 * they stop counting against its per-participant limit. Best effort: after a
 * media reset or a new connection the server has forgotten them already.
 */
export function releaseTransports(signaling: SignalingClient, ids: readonly string[]): void {
  if (!signaling.connected) return;
  for (const transportId of ids) {
    signaling.request('closeTransport', { transportId }).catch(() => undefined);
  }
}

export function createTransports(
  device: Device,
  [sendOptions, recvOptions]: TransportOptions,
  signaling: SignalingClient,
  onState: OnTransportState,
  onStuck: OnStuck,
  relay: boolean = relayOnly(),
): Transports {
  const send = device.createSendTransport(toOptions(sendOptions, relay));
  const recv = device.createRecvTransport(toOptions(recvOptions, relay));
  wire(send, signaling, onState, onStuck);
  wire(recv, signaling, onState, onStuck);

  send.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
    const { source, paused } = appData as ProducerAppData;
    signaling
      .request('produce', { transportId: send.id, kind, rtpParameters, source, paused })
      .then(({ producerId }) => callback({ id: producerId }), errback);
  });
  return { send, recv };
}
