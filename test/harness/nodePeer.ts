// A real WebRTC peer without a browser: msc-node (mediasoup-client on werift,
// a TypeScript WebRTC stack) doing ICE, DTLS and SRTP against the SFU. It
// sends synthetic Opus and VP8 RTP and counts what it receives per peer.
import {
  Device,
  MediaStreamTrack,
  RTCRtpCodecParameters,
  RTCRtpHeaderExtensionParameters,
  RtpHeader,
  RtpPacket,
  useAbsSendTime,
  useNACK,
  usePLI,
  useSdesMid,
  type types as mscTypes,
} from 'msc-node';
import type { NotificationPayload } from '../../signaling/protocol/index.js';
import { connectClient, type TestClient } from './client.js';
import { waitFor } from './sfu.js';

export interface ReceivedStream {
  peerId: string;
  kind: 'audio' | 'video';
  packets: number;
  bytes: number;
}

export interface NodePeer {
  client: TestClient;
  peerId: string;
  received: Map<string, ReceivedStream>;
  /**
   * Starts sending audio (and video) RTP at a steady pace. With `voice`, every
   * audio packet carries the ssrc-audio-level header extension the SFU's
   * speaker observers read: 'speech' is loud phrases with pauses (a steady
   * level reads as background noise to the dominant-speaker algorithm),
   * 'silence' is -127 dBov throughout.
   */
  startSending(options?: { voice?: 'speech' | 'silence' }): Promise<void>;
  /** Producer ids by source, once sending. */
  producerIds: Partial<Record<'mic' | 'camera', string>>;
  close(): Promise<void>;
}

const OPUS_PT = 111;
const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
const VP8_PT = 96;

function opusPacket(seq: number, ssrc: number, level?: { id: number; dBov: number }): RtpPacket {
  const header = new RtpHeader({
    payloadType: OPUS_PT,
    sequenceNumber: seq & 0xffff,
    timestamp: (seq * 960) >>> 0,
    ssrc,
    marker: true,
    // One-byte extension: V flag (voice activity) and the level in -dBov.
    ...(level
      ? {
          extension: true,
          extensions: [{ id: level.id, payload: Buffer.from([0x80 | level.dBov]) }],
        }
      : {}),
  });
  // TOC 0xF8: CELT fullband 20 ms, mono, one frame; then filler.
  return new RtpPacket(
    header,
    Buffer.from([0xf8, 0xff, 0xfe, ...new Array<number>(40).fill(0x55)]),
  );
}

function vp8KeyframePacket(seq: number, picture: number, ssrc: number): RtpPacket {
  const header = new RtpHeader({
    payloadType: VP8_PT,
    sequenceNumber: seq & 0xffff,
    timestamp: (picture * 3000) >>> 0,
    ssrc,
    marker: true,
  });
  const pictureId = picture & 0x7fff;
  const descriptor = [
    0x90, // X=1, S=1, partition 0
    0xe0, // I, L, T present
    0x80 | (pictureId >> 8), // M=1: 15-bit picture id
    pictureId & 0xff,
    picture & 0xff, // TL0PICIDX
    0x00, // TID 0
  ];
  // VP8 keyframe header: frame tag (key, shown), start code, 16x16.
  const frame = [
    0x10,
    0x02,
    0x00,
    0x9d,
    0x01,
    0x2a,
    0x10,
    0x00,
    0x10,
    0x00,
    ...new Array<number>(60).fill(0x33),
  ];
  return new RtpPacket(header, Buffer.from([...descriptor, ...frame]));
}

export async function startNodePeer(
  url: string,
  room: string,
  displayName: string,
): Promise<NodePeer> {
  const client = await connectClient(url);
  const joined = await client.join(room, displayName);
  const device = new Device({
    headerExtensions: {
      audio: [useSdesMid(), new RTCRtpHeaderExtensionParameters({ uri: AUDIO_LEVEL_URI })],
      video: [useSdesMid(), useAbsSendTime()],
    },
    codecs: {
      audio: [
        new RTCRtpCodecParameters({
          mimeType: 'audio/opus',
          clockRate: 48000,
          channels: 2,
          payloadType: OPUS_PT,
        }),
      ],
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/VP8',
          clockRate: 90000,
          payloadType: VP8_PT,
          rtcpFeedback: [useNACK(), usePLI()],
        }),
      ],
    },
  });
  await device.load({
    routerRtpCapabilities: joined.routerRtpCapabilities as mscTypes.RtpCapabilities,
  });

  const transports: mscTypes.Transport[] = [];
  async function makeTransport(direction: 'send' | 'recv'): Promise<mscTypes.Transport> {
    const options = await client.request('createTransport', { direction });
    const init = options as unknown as mscTypes.TransportOptions;
    const transport =
      direction === 'send' ? device.createSendTransport(init) : device.createRecvTransport(init);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      client
        .request('connectTransport', { transportId: transport.id, dtlsParameters })
        .then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        client
          .request('produce', {
            transportId: transport.id,
            kind,
            rtpParameters: rtpParameters as never,
            source: appData['source'] === 'camera' ? 'camera' : 'mic',
          })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }
    transports.push(transport);
    return transport;
  }

  const sendTransport = await makeTransport('send');
  const recvTransport = await makeTransport('recv');
  const received = new Map<string, ReceivedStream>();

  const onConsumer = async (n: NotificationPayload<'newConsumer'>) => {
    const consumer = await recvTransport.consume({
      id: n.consumerId,
      producerId: n.producerId,
      kind: n.kind,
      rtpParameters: n.rtpParameters as unknown as mscTypes.RtpParameters,
    });
    const stream: ReceivedStream = { peerId: n.peerId, kind: n.kind, packets: 0, bytes: 0 };
    received.set(n.consumerId, stream);
    (consumer.track as unknown as MediaStreamTrack).onReceiveRtp.subscribe((rtp) => {
      stream.packets += 1;
      stream.bytes += rtp.payload.length;
    });
    await client.request('resumeConsumer', { consumerId: n.consumerId });
  };
  client.socket.on('newConsumer', (n: NotificationPayload<'newConsumer'>) => {
    void onConsumer(n);
  });
  await client.request('ready', { rtpCapabilities: device.rtpCapabilities as never });

  let timer: NodeJS.Timeout | undefined;
  const producerIds: NodePeer['producerIds'] = {};
  return {
    client,
    peerId: joined.peerId,
    received,
    producerIds,
    async startSending(options = {}) {
      const audio = new MediaStreamTrack({ kind: 'audio' });
      const video = new MediaStreamTrack({ kind: 'video' });
      const mic = await sendTransport.produce({
        track: audio as never,
        appData: { source: 'mic' },
      });
      const camera = await sendTransport.produce({
        track: video as never,
        appData: { source: 'camera' },
      });
      producerIds.mic = mic.id;
      producerIds.camera = camera.id;
      const levelId = mic.rtpParameters.headerExtensions?.find(
        (e) => e.uri === AUDIO_LEVEL_URI,
      )?.id;
      if (options.voice && levelId === undefined) {
        throw new Error('the SFU did not negotiate the ssrc-audio-level extension');
      }
      // Speech: 700 ms phrases at -10 dBov, 300 ms pauses at room noise (-70);
      // the algorithm measures loudness above each speaker's noise floor.
      const levelAt = (n: number) => (options.voice === 'speech' && n % 50 < 35 ? 10 : 70);
      let seq = 0;
      timer = setInterval(() => {
        seq += 1;
        const level =
          options.voice && levelId !== undefined
            ? { id: levelId, dBov: options.voice === 'silence' ? 127 : levelAt(seq) }
            : undefined;
        audio.writeRtp(opusPacket(seq, 1000, level));
        if (seq % 2 === 0) video.writeRtp(vp8KeyframePacket(seq / 2, seq / 2, 2000));
      }, 20);
    },
    async close() {
      if (timer) clearInterval(timer);
      for (const t of transports) t.close();
      client.close();
    },
  };
}

/**
 * Resolves once the `still` count has not moved while the `flowing` count
 * advanced by `packets`: a window measured by a stream that keeps flowing,
 * not by the clock (packets already in flight have landed by then).
 */
export async function quietWhileFlowing(
  still: () => number,
  flowing: () => number,
  packets: number,
  message: string,
): Promise<void> {
  let mark = { still: still(), flowing: flowing() };
  await waitFor(
    () => {
      if (still() !== mark.still) mark = { still: still(), flowing: flowing() };
      return flowing() >= mark.flowing + packets;
    },
    message,
    20_000,
  );
}
