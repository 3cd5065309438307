// What the client asks of the network: the simulcast layer a tile of a given
// size requests, and the quality badge a received stream earns.
import { describe, expect, it } from 'vitest';
import { inboundSample, qualityBetween, type InboundSample } from '../../web/src/media/quality.js';
import { cameraEncodings, layerForWidth } from '../../web/src/media/simulcast.js';

describe('simulcast layer by tile size', () => {
  it('a 200 px tile asks for the lowest layer', () => {
    expect(layerForWidth(200)).toBe(0);
  });

  it('a 480 px tile asks for the middle layer and a 1000 px one for full size', () => {
    expect(layerForWidth(480)).toBe(1);
    expect(layerForWidth(1000)).toBe(2);
  });

  it('the thresholds are 320 and 640 pixels', () => {
    expect(layerForWidth(319)).toBe(0);
    expect(layerForWidth(320)).toBe(1);
    expect(layerForWidth(639)).toBe(1);
    expect(layerForWidth(640)).toBe(2);
  });

  it('on a high-density screen a 200 px tile needs more pixels, so a higher layer', () => {
    expect(layerForWidth(200, 2)).toBe(1);
    expect(layerForWidth(400, 2)).toBe(2);
  });

  it('the camera sends three VP8 layers, quarter, half and full size, when VP8 is offered', () => {
    const vp8 = { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 };
    const device = { rtpCapabilities: { codecs: [vp8] } } as unknown as Parameters<
      typeof cameraEncodings
    >[0];
    const options = cameraEncodings(device);
    expect(options.encodings?.map((e) => e.scaleResolutionDownBy)).toEqual([4, 2, 1]);
    expect(options.codec).toBe(vp8);
  });

  it('without VP8 the camera sends a single stream', () => {
    const device = {
      rtpCapabilities: { codecs: [{ kind: 'video', mimeType: 'video/H264', clockRate: 90000 }] },
    } as unknown as Parameters<typeof cameraEncodings>[0];
    expect(cameraEncodings(device)).toEqual({});
  });
});

describe('network quality badge', () => {
  const sample = (packetsReceived: number, packetsLost: number, jitter = 0.005): InboundSample => ({
    packetsReceived,
    packetsLost,
    jitter,
  });

  it('no loss and little jitter is good', () => {
    expect(qualityBetween(sample(0, 0), sample(500, 0))).toBe('good');
  });

  it('5 % loss is fair, 10 % is poor', () => {
    expect(qualityBetween(sample(0, 0), sample(95, 5))).toBe('fair');
    expect(qualityBetween(sample(0, 0), sample(90, 10))).toBe('poor');
  });

  it('only the last interval counts: old losses do not keep the badge red', () => {
    expect(qualityBetween(sample(1000, 300), sample(2000, 300))).toBe('good');
  });

  it('high jitter marks an otherwise clean stream fair or poor', () => {
    expect(qualityBetween(sample(0, 0), sample(500, 0, 0.05))).toBe('fair');
    expect(qualityBetween(sample(0, 0), sample(500, 0, 0.2))).toBe('poor');
  });

  it('a paused stream (nothing received) shows no badge', () => {
    expect(qualityBetween(sample(100, 0), sample(100, 0))).toBeUndefined();
  });

  it('reads the inbound RTP entry of a stats report', () => {
    const report = new Map<string, Record<string, unknown>>([
      ['t', { type: 'transport' }],
      ['i', { type: 'inbound-rtp', packetsReceived: 40, packetsLost: -1, jitter: 0.01 }],
    ]) as unknown as RTCStatsReport;
    // Negative loss (duplicates) counts as none.
    expect(inboundSample(report)).toEqual({ packetsReceived: 40, packetsLost: 0, jitter: 0.01 });
    expect(inboundSample(new Map() as unknown as RTCStatsReport)).toBeUndefined();
  });
});
