// A real WebRTC peer (msc-node: ICE, DTLS, SRTP) talking to an SfuApi
// directly, without signaling: its transports connect and produce through
// the SfuApi calls, and it counts the RTP (and VP8 keyframes) its consumers
// receive. It sends Opus with the ssrc-audio-level extension (speech: loud
// phrases and pauses) and VP8 keyframes.
import {
  MediaStreamTrack,
  RtpHeader,
  RtpPacket,
  type RTCRtpReceiver,
  type types as msc,
} from 'msc-node';
import type { RtpCapabilities, SfuApi } from '../../../../sfu/api/index.js';
import { AUDIO_LEVEL_URI, newDevice, OPUS_PT } from '../../../harness/mscDevice.js';
import { isVp8Keyframe, vp8Packet } from './vp8.js';

export interface ConsumedStream {
  consumerId: string;
  bytes(): number;
  /** VP8 keyframes received so far. */
  keyframes(): number;
  /** Asks the SFU for a keyframe (RTCP PLI), as a decoder that lost its picture does. */
  requestKeyframe(): Promise<void>;
}

export interface MediaPeer {
  readonly peerId: string;
  readonly rtpCapabilities: RtpCapabilities;
  readonly sendTransportId: string;
  readonly recvTransportId: string;
  /** Starts sending Opus (speech-like levels) and VP8; resolves with the producer ids. */
  startSending(): Promise<{ audio: string; video: string }>;
  /** Consumes a producer, resumes it, and counts what arrives. */
  consume(producerId: string): Promise<ConsumedStream>;
  close(): void;
}

function opusPacket(seq: number, levelId: number): RtpPacket {
  // 700 ms phrases at -10 dBov, 300 ms pauses at -70: speech to the observers.
  const dBov = seq % 50 < 35 ? 10 : 70;
  const header = new RtpHeader({
    payloadType: OPUS_PT,
    sequenceNumber: seq & 0xffff,
    timestamp: (seq * 960) >>> 0,
    ssrc: 1000,
    marker: true,
    extension: true,
    extensions: [{ id: levelId, payload: Buffer.from([0x80 | dBov]) }],
  });
  return new RtpPacket(header, Buffer.from([0xf8, 0xff, 0xfe, ...new Array<number>(40).fill(1)]));
}

export async function startMediaPeer(
  sfu: SfuApi,
  roomId: string,
  peerId: string,
): Promise<MediaPeer> {
  const { rtpCapabilities: routerCaps } = await sfu.call('openRoom', { roomId });
  const device = newDevice();
  await device.load({ routerRtpCapabilities: routerCaps as msc.RtpCapabilities });

  async function transport(direction: 'send' | 'recv'): Promise<msc.Transport> {
    const options = await sfu.call('createWebRtcTransport', { roomId, peerId, direction });
    const init = options as unknown as msc.TransportOptions;
    const t =
      direction === 'send' ? device.createSendTransport(init) : device.createRecvTransport(init);
    t.on('connect', ({ dtlsParameters }, callback, errback) => {
      sfu
        .call('connectWebRtcTransport', {
          roomId,
          peerId,
          transportId: t.id,
          dtlsParameters: dtlsParameters as never,
        })
        .then(() => callback(), errback);
    });
    t.on('produce', ({ kind, rtpParameters }, callback, errback) => {
      sfu
        .call('produce', {
          roomId,
          peerId,
          transportId: t.id,
          kind,
          rtpParameters: rtpParameters as never,
        })
        .then(({ producerId }) => callback({ id: producerId }), errback);
    });
    return t;
  }

  const send = await transport('send');
  const recv = await transport('recv');
  const rtpCapabilities = device.rtpCapabilities as RtpCapabilities;
  let timer: NodeJS.Timeout | undefined;

  return {
    peerId,
    rtpCapabilities,
    sendTransportId: send.id,
    recvTransportId: recv.id,
    async startSending() {
      const audioTrack = new MediaStreamTrack({ kind: 'audio' });
      const videoTrack = new MediaStreamTrack({ kind: 'video' });
      const audio = await send.produce({ track: audioTrack as never });
      const video = await send.produce({ track: videoTrack as never });
      const levelId = audio.rtpParameters.headerExtensions?.find(
        (e) => e.uri === AUDIO_LEVEL_URI,
      )?.id;
      if (levelId === undefined) throw new Error('the SFU did not negotiate audio levels');
      let seq = 0;
      timer = setInterval(() => {
        seq += 1;
        audioTrack.writeRtp(opusPacket(seq, levelId));
        if (seq % 2 === 0) {
          videoTrack.writeRtp(
            vp8Packet({ ssrc: 2000, seq: seq / 2, picture: seq / 2, keyframe: true }),
          );
        }
      }, 20);
      return { audio: audio.id, video: video.id };
    },
    async consume(producerId) {
      const reply = await sfu.call('consume', {
        roomId,
        peerId,
        transportId: recv.id,
        producerId,
        rtpCapabilities,
      });
      const consumer = await recv.consume({
        id: reply.consumerId,
        producerId,
        kind: reply.kind,
        rtpParameters: reply.rtpParameters as unknown as msc.RtpParameters,
      });
      let bytes = 0;
      let keyframes = 0;
      (consumer.track as unknown as MediaStreamTrack).onReceiveRtp.subscribe((rtp) => {
        bytes += rtp.payload.length;
        if (reply.kind === 'video' && isVp8Keyframe(rtp.payload)) keyframes += 1;
      });
      await sfu.call('resumeConsumer', { roomId, peerId, consumerId: reply.consumerId });
      const mediaSsrc = reply.rtpParameters.encodings?.[0]?.ssrc;
      return {
        consumerId: reply.consumerId,
        bytes: () => bytes,
        keyframes: () => keyframes,
        async requestKeyframe() {
          // msc-node declares the browser's receiver type; the object is werift's.
          const receiver = consumer.rtpReceiver as unknown as RTCRtpReceiver | undefined;
          if (mediaSsrc === undefined || !receiver) {
            throw new Error('the consumer has no stream to ask a keyframe of');
          }
          await receiver.sendRtcpPLI(mediaSsrc);
        },
      };
    },
    close() {
      if (timer) clearInterval(timer);
      send.close();
      recv.close();
    },
  };
}
