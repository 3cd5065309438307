// The RTP parameters a test producer announces: one Opus and one VP8 stream,
// told apart by their SSRC, as a client's produce request carries them.
export const opusParameters = (ssrc: number) => ({
  mid: '0',
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc }],
  rtcp: { cname: `c${ssrc}` },
});

export const vp8Parameters = (ssrc: number) => ({
  mid: '1',
  codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }],
  encodings: [{ ssrc }],
  rtcp: { cname: `c${ssrc}` },
});
