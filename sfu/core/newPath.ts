// When a transport's media path changes mid-call (an ICE restart, or the
// browser moving to another candidate pair, e.g. onto a TURN relay after a
// firewall closed the direct path), the receiver's decoders have lost packets
// and would wait for their own keyframe requests: ask every paused-or-not
// video consumer on the transport for a keyframe at once, so pictures come
// back as soon as the new path carries packets.
import type { types } from 'mediasoup';

export function keyFramesOnNewPath(
  transport: types.WebRtcTransport,
  consumers: () => Iterable<types.Consumer>,
): void {
  let first = true;
  transport.on('iceselectedtuplechange', () => {
    if (first) {
      first = false;
      return;
    }
    for (const consumer of consumers()) {
      if (consumer.closed || consumer.kind !== 'video') continue;
      consumer.requestKeyFrame().catch(() => undefined);
    }
  });
}
