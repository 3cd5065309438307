// Creates the send and receive WebRTC transports of one media epoch and wires
// their events to signaling: DTLS connect, produce, and an ICE restart when
// the connection fails. Their connection states are reported too (for the
// "reconnecting audio and video" notice).
import type { types } from 'mediasoup-client';
import type { MediaSource, ResponseData } from '../../../signaling/protocol/index.js';
import type { SignalingClient } from '../signaling/client.js';

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

function toOptions(options: ResponseData<'createTransport'>): types.TransportOptions {
  return {
    id: options.id,
    iceParameters: options.iceParameters as unknown as types.IceParameters,
    iceCandidates: options.iceCandidates as unknown as types.IceCandidate[],
    dtlsParameters: options.dtlsParameters as unknown as types.DtlsParameters,
  };
}

function wire(transport: Transport, signaling: SignalingClient, onState: OnTransportState): void {
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    signaling
      .request('connectTransport', { transportId: transport.id, dtlsParameters })
      .then(() => callback(), errback);
  });

  let restarting = false;
  transport.on('connectionstatechange', (state) => {
    onState(transport.direction, state);
    if (state !== 'failed' || restarting || transport.closed) return;
    restarting = true;
    signaling
      .request('restartIce', { transportId: transport.id })
      .then(({ iceParameters }) =>
        transport.closed
          ? undefined
          : transport.restartIce({
              iceParameters: iceParameters as unknown as types.IceParameters,
            }),
      )
      .catch((error: unknown) => console.warn('ICE restart failed', error))
      .finally(() => {
        restarting = false;
      });
  });
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
): Transports {
  const send = device.createSendTransport(toOptions(sendOptions));
  const recv = device.createRecvTransport(toOptions(recvOptions));
  wire(send, signaling, onState);
  wire(recv, signaling, onState);

  send.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
    const { source, paused } = appData as ProducerAppData;
    signaling
      .request('produce', { transportId: send.id, kind, rtpParameters, source, paused })
      .then(({ producerId }) => callback({ id: producerId }), errback);
  });
  return { send, recv };
}
