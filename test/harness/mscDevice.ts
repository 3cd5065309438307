// The mediasoup-client device every Node WebRTC test peer (msc-node on
// werift) uses: Opus with the audio-level extension and VP8 with NACK and PLI,
// the payload types their synthetic RTP is sent with.
import {
  Device,
  RTCRtpCodecParameters,
  RTCRtpHeaderExtensionParameters,
  useAbsSendTime,
  useNACK,
  usePLI,
  useSdesMid,
} from 'msc-node';
import { installIceConsent } from './iceConsent.js';

// Every Node peer keeps the SFU's consent to send, as a browser does.
installIceConsent();

export const OPUS_PT = 111;
export const VP8_PT = 96;
export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';

export function newDevice(): Device {
  return new Device({
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
}
