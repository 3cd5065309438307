// The meeting timer in the header: its format, and that it counts from the
// server's measure of the meeting rather than this browser's clock.
import { describe, expect, it } from 'vitest';
import { formatElapsed } from '../../web/src/meeting/MeetingTimer.js';
import { fromJoined, initialRoomState, type JoinedReply } from '../../web/src/meeting/roomState.js';

const reply = (extra: Partial<JoinedReply> = {}): JoinedReply =>
  ({
    status: 'joined',
    protocolVersion: '2.2',
    peerId: 'me',
    room: 'r',
    role: 'participant',
    displayName: 'Me',
    routerRtpCapabilities: { codecs: [] },
    peers: [],
    settings: initialRoomState.settings,
    hands: [],
    chat: [],
    resumeToken: 't',
    resumed: false,
    ...extra,
  }) as JoinedReply;

describe('meeting timer', () => {
  it('shows minutes and seconds, and hours once past the hour', () => {
    expect(formatElapsed(0)).toBe('00:00');
    expect(formatElapsed(65_400)).toBe('01:05');
    expect(formatElapsed(59 * 60_000 + 59_999)).toBe('59:59');
    expect(formatElapsed(3_723_000)).toBe('1:02:03');
    expect(formatElapsed(-500)).toBe('00:00');
  });

  it('starts from how long the server says the meeting has run', () => {
    const now = 1_000_000;
    expect(
      fromJoined(initialRoomState, reply({ meetingElapsedMs: 90_000 }), now).meetingSince,
    ).toBe(now - 90_000);
    // An older server that does not say: no timer.
    expect(fromJoined(initialRoomState, reply(), now).meetingSince).toBeUndefined();
  });
});
