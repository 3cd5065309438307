// Pure calendar logic behind bookings: recurrence in a zone across DST,
// wall-clock conversions, ICS folding, the room policy, canonical hashing.
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../signaling/audit/chain.js';
import type { Identity } from '../../signaling/auth/identity.js';
import { decideRoomPolicy, type ActiveSlot } from '../../signaling/bookings/policy.js';
import { expandRecurrence } from '../../signaling/bookings/recurrence.js';
import { instantOf } from '../../signaling/bookings/timeZones.js';
import { fold } from '../../signaling/ics/format.js';
import { vtimezone } from '../../signaling/ics/vtimezone.js';

const starts = (rule: string, start: string, timeZone: string, hours = 1) =>
  expandRecurrence({
    start: new Date(start),
    end: new Date(new Date(start).getTime() + hours * 3_600_000),
    timeZone,
    rrule: rule,
    exdates: [],
  }).slots.map((s) => s.start.toISOString());

describe('recurrence in the organiser’s zone', () => {
  it('keeps a weekly 10:00 meeting at 10:00 local time across the spring DST change', () => {
    expect(starts('FREQ=WEEKLY;COUNT=3', '2030-03-25T09:00:00Z', 'Europe/Berlin')).toEqual([
      '2030-03-25T09:00:00.000Z',
      '2030-04-01T08:00:00.000Z',
      '2030-04-08T08:00:00.000Z',
    ]);
  });

  it('reads a local UNTIL in the organiser zone, inclusive', () => {
    expect(
      starts('FREQ=DAILY;UNTIL=20300303T100000', '2030-03-01T07:00:00Z', 'Europe/Moscow'),
    ).toHaveLength(3);
  });

  it('moves a time skipped by the clocks to after the gap', () => {
    expect(starts('FREQ=DAILY;COUNT=2', '2030-03-30T01:30:00Z', 'Europe/Berlin')).toEqual([
      '2030-03-30T01:30:00.000Z', // 02:30 CET
      '2030-03-31T01:30:00.000Z', // 02:30 does not exist; 03:30 CEST
    ]);
  });

  it('supports weekdays and monthly days', () => {
    expect(
      starts('FREQ=WEEKLY;BYDAY=MO,WE;COUNT=3', '2030-03-04T07:00:00Z', 'Europe/Moscow'),
    ).toEqual(['2030-03-04T07:00:00.000Z', '2030-03-06T07:00:00.000Z', '2030-03-11T07:00:00.000Z']);
    expect(
      starts('FREQ=MONTHLY;BYDAY=-1FR;COUNT=2', '2030-03-29T07:00:00Z', 'Europe/Moscow'),
    ).toEqual(['2030-03-29T07:00:00.000Z', '2030-04-26T07:00:00.000Z']);
  });
});

describe('wall-clock time to instant', () => {
  it('takes the first of a repeated hour when clocks go back', () => {
    const wall = { year: 2030, month: 10, day: 27, hour: 2, minute: 30, second: 0 };
    expect(instantOf(wall, 'Europe/Berlin').toISOString()).toBe('2030-10-27T00:30:00.000Z');
  });
});

describe('ICS text', () => {
  it('folds at 75 octets without splitting a Cyrillic character', () => {
    const content = `DESCRIPTION:${'Повестка дня, '.repeat(20)}`;
    const lines = fold(content);
    expect(lines.length).toBeGreaterThan(4);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(lines.map((l, i) => (i === 0 ? l : l.slice(1))).join('')).toBe(content);
  });

  it('describes southern-hemisphere DST in its VTIMEZONE', () => {
    const lines = vtimezone(
      'Australia/Sydney',
      new Date('2030-01-10T00:00:00Z'),
      new Date('2030-01-10T00:00:00Z'),
    );
    expect(lines).toContain('BEGIN:DAYLIGHT');
    expect(lines).toContain('BEGIN:STANDARD');
    expect(lines).toContain('TZOFFSETTO:+1100');
    expect(lines).toContain('TZOFFSETTO:+1000');
  });
});

describe('room policy', () => {
  const room = { officeId: 'gov-a', lobby: true, passcodeSet: true, guestsAllowed: true };
  const slot: ActiveSlot = { bookingId: 'b', organiser: 'org', cohosts: ['co'], invitees: ['inv'] };
  const staff = (subject: string, office = 'gov-x'): Identity => ({
    kind: 'staff',
    subject,
    displayName: subject,
    office,
    globalRole: 'staff',
  });
  const guest = (forRoom: string): Identity => ({
    kind: 'guest',
    inviteId: 'i',
    room: forRoom,
    role: 'cohost',
    displayName: undefined,
  });
  const cases: [string, Identity, ActiveSlot | undefined, string, boolean][] = [
    ['organiser in the slot', staff('org'), slot, 'host', true],
    ['co-host in the slot', staff('co'), slot, 'cohost', true],
    ['invitee in the slot', staff('inv'), slot, 'participant', true],
    ['other staff in the slot', staff('x'), slot, 'participant', false],
    ['own office outside slots', staff('x', 'gov-a'), undefined, 'host', true],
    ['other office outside slots', staff('x'), undefined, 'participant', false],
    ['guest invited to this room', guest('board'), slot, 'cohost', false],
    ['guest invited elsewhere', guest('other'), slot, 'guest', false],
  ];
  it.each(cases)('%s', (_name, identity, active, role, skipLobby) => {
    const policy = decideRoomPolicy('board', room, active, identity);
    expect([policy.role, policy.skipLobby, policy.passcodeRequired]).toEqual([
      role,
      skipLobby,
      !skipLobby,
    ]);
  });
});

describe('audit canonical encoding', () => {
  it('sorts keys at every depth and writes instants in UTC', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 0 }], c: new Date(0) } })).toBe(
      '{"a":{"c":"1970-01-01T00:00:00.000Z","d":[2,{"y":0,"z":1}]},"b":1}',
    );
  });
});
