// What a bot receives, per consumer: the RTP statistics of its stream as the
// bot's receive path counts them (fastReceive.ts) — packets received and
// expected, jitter, payload bytes, the first packet's time, packets whose
// SRTP tag was checked and any that failed.
import type { RTCDtlsTransport, types as mscTypes } from 'msc-node';
import { receiveStream, stopStream, type StreamSink } from './fastReceive.js';

export interface Inbound {
  readonly consumerId: string;
  readonly peerId: string;
  readonly kind: 'audio' | 'video';
  readonly source: string;
  /** Shown on the page (video) / played (audio): the consumer is resumed. */
  visible: boolean;
  /** The simulcast layer asked for (video shown). */
  layer: number | undefined;
  readonly closed: boolean;
  readonly sink: StreamSink;
  close(): void;
}

/** Starts counting a consumer's packets. */
export function trackInbound(
  consumer: mscTypes.Consumer,
  info: { peerId: string; kind: 'audio' | 'video'; source: string },
): Inbound {
  const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
  const dtls = (consumer.rtpReceiver as unknown as { dtlsTransport?: RTCDtlsTransport })
    .dtlsTransport;
  if (ssrc === undefined || !dtls) throw new Error('consumer without an SSRC or a transport');
  const clockRate = consumer.rtpParameters.codecs[0]?.clockRate ?? 90_000;
  const sink = receiveStream(dtls, ssrc, info.kind, clockRate);
  let closed = false;
  return {
    consumerId: consumer.id,
    ...info,
    visible: false,
    layer: undefined,
    sink,
    get closed() {
      return closed;
    },
    close() {
      if (closed) return;
      closed = true;
      stopStream(dtls, ssrc);
    },
  };
}
