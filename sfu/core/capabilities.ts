// Whether a receiver can decode a room's media, decided when it says it is
// ready rather than at every consume (where a refusal reaches nobody). The
// SFU never transcodes, so a receiver must decode what senders send: Veche's
// clients send each kind in the router's first codec of that kind (Opus,
// VP8), so those are required; the others are optional.
import type { types } from 'mediasoup';

const isRetransmission = (codec: types.RtpCodecCapability): boolean =>
  codec.mimeType.toLowerCase().endsWith('/rtx');

function matches(wanted: types.RtpCodecCapability, offered: types.RtpCodecCapability): boolean {
  return (
    offered.kind === wanted.kind &&
    offered.mimeType.toLowerCase() === wanted.mimeType.toLowerCase() &&
    offered.clockRate === wanted.clockRate &&
    (wanted.kind !== 'audio' || (offered.channels ?? 1) === (wanted.channels ?? 1))
  );
}

/** The required codecs (mime types) of `router` that `receiver` does not offer. */
export function missingCodecs(
  router: types.RtpCapabilities,
  receiver: types.RtpCapabilities,
): string[] {
  const offered = receiver.codecs ?? [];
  const missing: string[] = [];
  for (const kind of ['audio', 'video'] as const) {
    const required = (router.codecs ?? []).find((c) => c.kind === kind && !isRetransmission(c));
    if (required && !offered.some((codec) => matches(required, codec))) {
      missing.push(required.mimeType);
    }
  }
  return missing;
}
