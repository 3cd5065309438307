import { describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  displayNameSchema,
  isRequestType,
  notifications,
  protocolMajor,
  replySchema,
  requests,
  roomNameSchema,
} from '../../signaling/protocol/index.js';
import { z } from 'zod';

describe('room names', () => {
  it.each([
    ['planning', true],
    ['Совещание-2026', true],
    ['a', true],
    ['x'.repeat(64), true],
    ['room_1-b', true],
    ['', false],
    ['x'.repeat(65), false],
    ['with space', false],
    ['../etc', false],
    ['room/1', false],
    ['emoji😀', false],
    ['a.b', false],
  ])('%j valid: %s', (name, valid) => {
    expect(roomNameSchema.safeParse(name).success).toBe(valid);
  });
});

describe('display names', () => {
  it('trims and accepts Cyrillic names', () => {
    expect(displayNameSchema.parse('  Иван Петров ')).toBe('Иван Петров');
  });
  it.each(['', '   ', 'x'.repeat(65), 'bell\u0007', 'rtl\u202Eoverride'])('rejects %j', (name) => {
    expect(displayNameSchema.safeParse(name).success).toBe(false);
  });
});

describe('requests', () => {
  it('accepts a valid join and rejects wrong types', () => {
    const join = requests.join.request;
    expect(
      join.safeParse({ room: 'r1', displayName: 'Anna', protocolVersion: '1.0' }).success,
    ).toBe(true);
    expect(join.safeParse({ room: 'r1', displayName: 42, protocolVersion: '1.0' }).success).toBe(
      false,
    );
    expect(join.safeParse({ room: 'r1', displayName: 'Anna' }).success).toBe(false);
    expect(join.safeParse(null).success).toBe(false);
  });

  it('lets a resume say whether the client kept its media, and the reply whether it was kept', () => {
    const join = requests.join.request;
    const base = { room: 'r1', displayName: 'Anna', protocolVersion: '2.3', resumeToken: 't' };
    expect(join.parse({ ...base, keepMedia: true }).keepMedia).toBe(true);
    expect(join.parse(base).keepMedia).toBeUndefined();
    expect(join.safeParse({ ...base, keepMedia: 'yes' }).success).toBe(false);
    const reply = requests.join.response;
    const joined = {
      status: 'joined',
      protocolVersion: '2.3',
      peerId: 'p',
      room: 'r1',
      role: 'participant',
      displayName: 'Anna',
      routerRtpCapabilities: { codecs: [] },
      peers: [],
      settings: {
        locked: false,
        lobby: false,
        chatEnabled: true,
        screenShareAllowed: true,
        hasPasscode: false,
      },
      hands: [],
      chat: [],
      resumeToken: 't',
      resumed: true,
    };
    for (const media of ['kept', 'fresh', undefined]) {
      expect(reply.safeParse({ ...joined, media }).success).toBe(true);
    }
    expect(reply.safeParse({ ...joined, media: 'partly' }).success).toBe(false);
  });

  it('requires codecs with a mime type in produce', () => {
    const produce = requests.produce.request;
    const base = { transportId: 't', kind: 'audio', source: 'mic' };
    expect(
      produce.safeParse({
        ...base,
        rtpParameters: {
          codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, extra: 1 }],
        },
      }).success,
    ).toBe(true);
    expect(produce.safeParse({ ...base, rtpParameters: { codecs: [] } }).success).toBe(false);
    expect(
      produce.safeParse({ ...base, rtpParameters: { codecs: [{ payloadType: 1 }] } }).success,
    ).toBe(false);
    expect(
      produce.safeParse({ ...base, source: 'screen', rtpParameters: { codecs: [] } }).success,
    ).toBe(false);
  });

  it('keeps unknown fields of mediasoup objects (newer clients add them)', () => {
    const parsed = requests.ready.request.parse({
      rtpCapabilities: { codecs: [], futureField: { a: 1 } },
    });
    expect(parsed.rtpCapabilities).toHaveProperty('futureField');
  });

  it('knows its message types and nothing else', () => {
    expect(isRequestType('join')).toBe(true);
    expect(isRequestType('toString')).toBe(false);
    expect(isRequestType('__proto__')).toBe(false);
    expect(isRequestType('dropTables')).toBe(false);
  });

  it('checks every notification payload', () => {
    for (const [type, schema] of Object.entries(notifications)) {
      expect(schema.safeParse('not an object').success, type).toBe(false);
      expect(schema.safeParse(null).success, type).toBe(false);
    }
    expect(notifications.removed.safeParse({ reason: 'banned' }).success).toBe(true);
    expect(notifications.removed.safeParse({ reason: 'kicked-for-fun' }).success).toBe(false);
  });
});

describe('reply shape', () => {
  const reply = replySchema(z.object({ producerId: z.string() }));
  it('is either ok with data or an error with a known code', () => {
    expect(reply.safeParse({ ok: true, data: { producerId: 'p' } }).success).toBe(true);
    expect(
      reply.safeParse({ ok: false, error: { code: 'NOT_JOINED', message: 'join first' } }).success,
    ).toBe(true);
    expect(reply.safeParse({ ok: false, error: { code: 'TEAPOT', message: '' } }).success).toBe(
      false,
    );
    expect(reply.safeParse({ ok: true }).success).toBe(false);
    expect(reply.safeParse({ ok: false, data: {} }).success).toBe(false);
  });
});

describe('protocol version', () => {
  it('compares major versions', () => {
    expect(protocolMajor(PROTOCOL_VERSION)).toBe(2);
    expect(protocolMajor('2.7')).toBe(2);
  });
});
