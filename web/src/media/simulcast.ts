// The camera as three VP8 simulcast layers (quarter, half and full size), and
// the layer a receiving tile of a given size should ask the server for.
import type { types } from 'mediasoup-client';

const ENCODINGS: types.RtpEncodingParameters[] = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_200_000, scalabilityMode: 'L1T3' },
];

/** produce() options for the camera: simulcast when the router offers VP8, else one stream. */
export function cameraEncodings(
  device: types.Device,
): Pick<types.ProducerOptions, 'encodings' | 'codec' | 'codecOptions'> {
  const vp8 = device.rtpCapabilities.codecs?.find(
    (codec) => codec.mimeType.toLowerCase() === 'video/vp8',
  );
  if (!vp8) return {};
  return { encodings: ENCODINGS, codec: vp8, codecOptions: { videoGoogleStartBitrate: 1000 } };
}

/** Below this rendered width a tile gets layer 0, below the next layer 1, else layer 2. */
export const LAYER_WIDTHS = [320, 640] as const;

export function layerForWidth(cssPixels: number, devicePixelRatio = 1): number {
  const width = cssPixels * devicePixelRatio;
  if (width < LAYER_WIDTHS[0]) return 0;
  if (width < LAYER_WIDTHS[1]) return 1;
  return 2;
}
