// A real WebRTC peer (msc-node: ICE, DTLS, SRTP) that sends one VP8 video in
// three simulcast layers, as a browser does: one producer whose encodings are
// three SSRCs. It sends delta frames and a keyframe only on a layer's first
// frame and when the SFU asks for one (RTCP PLI) — so a consumer
// switching layers, or a receiver asking for a picture, gets one only if the
// request travelled all the way back here. werift sends one stream per
// sender, so the layers go out on the send transport's DTLS/SRTP session
// directly.
import {
  MediaStreamTrack,
  PictureLossIndication,
  RtcpPayloadSpecificFeedback,
  type RtcpPacket,
  type types as msc,
} from 'msc-node';
import type { SfuApi } from '../../../../sfu/api/index.js';
import { newDevice } from '../../../harness/mscDevice.js';
import { vp8Packet } from './vp8.js';

/** Lowest layer first, as simulcast encodings are ordered. */
const LAYER_SSRCS = [31_000, 32_000, 33_000] as const;
const FRAME_MS = 30;

export interface SimulcastSender {
  readonly producerId: string;
  /** Keyframe requests (PLI) received for a layer (0 = lowest). */
  keyframeRequests(layer: number): number;
  close(): void;
}

export async function startSimulcastSender(
  sfu: SfuApi,
  roomId: string,
  peerId: string,
): Promise<SimulcastSender> {
  const { rtpCapabilities } = await sfu.call('openRoom', { roomId });
  const device = newDevice();
  await device.load({ routerRtpCapabilities: rtpCapabilities as msc.RtpCapabilities });
  const options = await sfu.call('createWebRtcTransport', { roomId, peerId, direction: 'send' });
  const send = device.createSendTransport(options as unknown as msc.TransportOptions);
  send.on('connect', ({ dtlsParameters }, callback, errback) => {
    sfu
      .call('connectWebRtcTransport', {
        roomId,
        peerId,
        transportId: send.id,
        dtlsParameters: dtlsParameters as never,
      })
      .then(() => callback(), errback);
  });
  send.on('produce', ({ kind, rtpParameters }, callback, errback) => {
    // The SDP offers one stream; the SFU is told of the three layers we send.
    const encodings = LAYER_SSRCS.map((ssrc) => ({ ssrc }));
    sfu
      .call('produce', {
        roomId,
        peerId,
        transportId: send.id,
        kind,
        rtpParameters: { ...(rtpParameters as object), encodings } as never,
      })
      .then(({ producerId }) => callback({ id: producerId }), errback);
  });
  const producer = await send.produce({ track: new MediaStreamTrack({ kind: 'video' }) as never });
  const dtls = producer.rtpSender?.dtlsTransport;
  if (!dtls) throw new Error('the producer has no DTLS transport');

  const requests = LAYER_SSRCS.map(() => 0);
  const wanted = LAYER_SSRCS.map(() => true);
  const asked = (ssrc: number) => {
    const layer = LAYER_SSRCS.indexOf(ssrc as (typeof LAYER_SSRCS)[number]);
    if (layer < 0) return;
    requests[layer] = (requests[layer] ?? 0) + 1;
    wanted[layer] = true;
  };
  // werift routes feedback by the sender's own SSRC, which none of the layers
  // use: read keyframe requests before it does.
  const route = dtls.router.routeRtcp;
  dtls.router.routeRtcp = (packet: RtcpPacket) => {
    if (packet instanceof RtcpPayloadSpecificFeedback) {
      const feedback = packet.feedback;
      // The device offers PLI for VP8, so the SFU asks with PLI (never FIR).
      if (feedback instanceof PictureLossIndication) asked(feedback.mediaSsrc);
    }
    route(packet);
  };

  let picture = 0;
  const timer = setInterval(() => {
    if (dtls.state !== 'connected') return;
    picture += 1;
    LAYER_SSRCS.forEach((ssrc, layer) => {
      const keyframe = wanted[layer] ?? false;
      wanted[layer] = false;
      const rtp = vp8Packet({ ssrc, seq: picture, picture, keyframe });
      void dtls.sendRtp(rtp.payload, rtp.header);
    });
  }, FRAME_MS);

  return {
    producerId: producer.id,
    keyframeRequests: (layer) => requests[layer] ?? 0,
    close() {
      clearInterval(timer);
      send.close();
    },
  };
}
