// Moderation, settings, chat and hands over real sockets (embedded mode: the
// first joiner hosts). Each test uses its own room.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestServer, type TestServer } from '../harness/server.js';

const opus = {
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc: 4242 }],
};

describe('moderation', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const connect = async () => {
    const c = await connectClient(server.url);
    clients.push(c);
    return c;
  };
  /** host + n participants in a fresh room. */
  async function meeting(room: string, names: string[]) {
    const people = [];
    for (const name of names) {
      const client = await connect();
      const joined = await client.join(room, name);
      people.push({ client, peerId: joined.peerId, joined });
    }
    return people;
  }

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('mute pauses the mic on the server; only its owner can unmute', async () => {
    const [host, bob] = await meeting('mute', ['Host', 'Bob']);
    const send = await bob!.client.request('createTransport', { direction: 'send' });
    const { producerId } = await bob!.client.request('produce', {
      transportId: send.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opus,
    });
    await host!.client.request('muteParticipant', { peerId: bob!.peerId });
    expect(await bob!.client.next('mutedByHost')).toEqual({ source: 'mic', byName: 'Host' });
    expect(await host!.client.next('producerPaused')).toEqual({ peerId: bob!.peerId, producerId });
    // No remote unmute: the host cannot resume Bob's producer…
    expect(await host!.client.send('resumeProducer', { producerId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    // …but can ask, and Bob can unmute himself.
    await host!.client.request('askToUnmute', { peerId: bob!.peerId });
    expect(await bob!.client.next('unmuteRequested')).toEqual({ byName: 'Host' });
    await bob!.client.request('resumeProducer', { producerId });
    expect(await host!.client.next('producerResumed')).toEqual({ peerId: bob!.peerId, producerId });
    // Participants cannot mute anyone.
    expect(await bob!.client.send('muteParticipant', { peerId: host!.peerId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(server.audit.events).toContainEqual(
      expect.objectContaining({ action: 'peer.mute', room: 'mute' }),
    );
  });

  it('the sound of a shared screen is audio and follows the screen-share policy', async () => {
    const [host, ann] = await meeting('screen-audio', ['Host', 'Ann']);
    const send = await ann!.client.request('createTransport', { direction: 'send' });
    const audio = { ...opus, encodings: [{ ssrc: 5151 }] };
    expect(
      await ann!.client.send('produce', {
        transportId: send.id,
        kind: 'video',
        source: 'screenAudio',
        rtpParameters: audio,
      }),
    ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    await host!.client.request('setScreenShareAllowed', { allowed: false });
    expect(
      await ann!.client.send('produce', {
        transportId: send.id,
        kind: 'audio',
        source: 'screenAudio',
        rtpParameters: audio,
      }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await host!.client.request('setScreenShareAllowed', { allowed: true });
    const { producerId } = await ann!.client.request('produce', {
      transportId: send.id,
      kind: 'audio',
      source: 'screenAudio',
      rtpParameters: audio,
    });
    // Stopping someone's video stops the sound of their share too.
    await host!.client.request('stopVideo', { peerId: ann!.peerId });
    expect(await host!.client.next('producerPaused', (p) => p.producerId === producerId)).toEqual({
      peerId: ann!.peerId,
      producerId,
    });
  });

  it('remove and ban take people out; a banned person cannot come back', async () => {
    const [host, carol] = await meeting('remove', ['Host', 'Carol']);
    const daveToken = await server.staffToken({ sub: 'dave', name: 'Dave' });
    const dave = await connectClient(server.url, { auth: { token: daveToken } });
    clients.push(dave);
    const daveJoined = await dave.join('remove', 'Dave');
    await host!.client.request('removeParticipant', { peerId: carol!.peerId });
    expect(await carol!.client.next('removed')).toEqual({ reason: 'removed' });
    expect(await host!.client.next('peerLeft', (p) => p.peerId === carol!.peerId)).toBeTruthy();
    await host!.client.request('banParticipant', { peerId: daveJoined.peerId });
    expect(await dave.next('removed')).toEqual({ reason: 'banned' });
    // Dave comes back with the same token: refused. A removed person may return.
    const daveAgain = await connectClient(server.url, { auth: { token: daveToken } });
    clients.push(daveAgain);
    expect(
      await daveAgain.send('join', {
        room: 'remove',
        displayName: 'Dave',
        protocolVersion: PROTOCOL_VERSION,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BANNED' },
    });
    const carolAgain = await connect();
    expect((await carolAgain.join('remove', 'Carol')).role).toBe('participant');
    expect(server.audit.events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['peer.remove', 'peer.ban']),
    );
    expect(server.audit.events.find((e) => e.action === 'peer.ban')).toMatchObject({
      target: 'dave',
      room: 'remove',
    });
  });

  it('lock keeps newcomers out but not hosts', async () => {
    const [host] = await meeting('locked', ['Host']);
    await host!.client.request('setRoomLock', { locked: true });
    expect((await host!.client.next('roomSettingsChanged')).settings.locked).toBe(true);
    const late = await connect();
    expect(
      await late.send('join', {
        room: 'locked',
        displayName: 'Late',
        protocolVersion: PROTOCOL_VERSION,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'ROOM_LOCKED' },
    });
    await host!.client.request('setRoomLock', { locked: false });
    expect((await late.join('locked', 'Late')).role).toBe('participant');
  });

  it('passcodes are required, checked, and guessing is limited', async () => {
    const [host] = await meeting('secret', ['Host']);
    await host!.client.request('setPasscode', { passcode: 'Волга-2026' });
    expect((await host!.client.next('roomSettingsChanged')).settings.hasPasscode).toBe(true);
    const guest = await connect();
    const attempt = (passcode?: string) =>
      guest.send('join', {
        room: 'secret',
        displayName: 'G',
        protocolVersion: PROTOCOL_VERSION,
        ...(passcode ? { passcode } : {}),
      });
    expect(await attempt()).toMatchObject({ ok: false, error: { code: 'PASSCODE_REQUIRED' } });
    expect(await attempt('wrong-1')).toMatchObject({
      ok: false,
      error: { code: 'PASSCODE_INVALID' },
    });
    expect(await attempt('Волга-2026')).toMatchObject({ ok: true, data: { status: 'joined' } });
    const guesser = await connect();
    const codes = [];
    for (let i = 0; i < 8; i++) {
      const reply = await guesser.send('join', {
        room: 'secret',
        displayName: 'X',
        protocolVersion: PROTOCOL_VERSION,
        passcode: `guess-${i}`,
      });
      codes.push(reply.ok ? 'ok' : reply.error.code);
    }
    expect(codes).toContain('RATE_LIMITED');
    expect(codes).not.toContain('ok');
  });

  it('chat: public to all, private to one, history on join, and hosts can turn it off', async () => {
    const [host, eve, frank] = await meeting('chat', ['Host', 'Eve', 'Frank']);
    await eve!.client.request('sendChat', { text: 'Добрый день' });
    expect((await frank!.client.next('chatMessage')).message).toMatchObject({
      fromName: 'Eve',
      text: 'Добрый день',
      private: false,
    });
    const sent = await eve!.client.request('sendChat', {
      text: 'только Фрэнку',
      toPeerId: frank!.peerId,
    });
    expect(sent.message).toMatchObject({ private: true, toName: 'Frank' });
    expect((await frank!.client.next('chatMessage', (p) => p.message.private)).message.text).toBe(
      'только Фрэнку',
    );
    expect(
      host!.client.received.some(
        (r) =>
          r.type === 'chatMessage' &&
          (r.payload as { message: { private: boolean } }).message.private,
      ),
    ).toBe(false);

    const late = await connect();
    const joined = await late.join('chat', 'Late');
    expect(joined.chat.map((m) => m.text)).toEqual(['Добрый день']);

    await host!.client.request('setChatEnabled', { enabled: false });
    expect(await eve!.client.send('sendChat', { text: 'hello?' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect((await host!.client.send('sendChat', { text: 'Tишина' })).ok).toBe(true);
    expect(await eve!.client.send('sendChat', { text: 'x'.repeat(2001) })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });

  it('hands queue in order; only moderators lower other hands', async () => {
    const [host, gina, hugo] = await meeting('hands', ['Host', 'Gina', 'Hugo']);
    await hugo!.client.request('raiseHand', {});
    await gina!.client.request('raiseHand', {});
    expect((await host!.client.next('handsChanged', (p) => p.hands.length === 2)).hands).toEqual([
      hugo!.peerId,
      gina!.peerId,
    ]);
    expect(await gina!.client.send('lowerHand', { peerId: hugo!.peerId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    await host!.client.request('lowerHand', { peerId: hugo!.peerId });
    expect(
      (
        await gina!.client.next(
          'handsChanged',
          (p) => p.hands.length === 1 && p.hands[0] === gina!.peerId,
        )
      ).hands,
    ).toEqual([gina!.peerId]);
    await gina!.client.request('react', { reaction: 'clap' });
    expect(await hugo!.client.next('reaction')).toEqual({ peerId: gina!.peerId, reaction: 'clap' });
    const results = [];
    for (let i = 0; i < 10; i++)
      results.push((await gina!.client.send('react', { reaction: 'heart' })).ok);
    expect(results).toContain(false);
  });

  it('co-hosts moderate but cannot touch the host; host can hand over; a co-host succeeds a leaving host', async () => {
    const [host, ivan, jana] = await meeting('roles', ['Host', 'Ivan', 'Jana']);
    await host!.client.request('setRole', { peerId: ivan!.peerId, role: 'cohost' });
    expect((await jana!.client.next('peerUpdated')).peer).toMatchObject({
      id: ivan!.peerId,
      role: 'cohost',
    });
    expect(await ivan!.client.send('removeParticipant', { peerId: host!.peerId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(
      await ivan!.client.send('setRole', { peerId: jana!.peerId, role: 'cohost' }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await ivan!.client.send('muteAll', {})).ok).toBe(true);

    await host!.client.request('transferHost', { peerId: jana!.peerId });
    const updates = [
      await ivan!.client.next('peerUpdated', (p) => p.peer.id === jana!.peerId),
      await ivan!.client.next('peerUpdated', (p) => p.peer.id === host!.peerId),
    ];
    expect(updates.map((u) => u.peer.role)).toEqual(['host', 'cohost']);

    // Jana (host) leaves: the longest-present co-host takes over.
    await jana!.client.request('leave', {});
    const promoted = await ivan!.client.next('peerUpdated', (p) => p.peer.role === 'host');
    expect([host!.peerId, ivan!.peerId]).toContain(promoted.peer.id);
  });

  it('ending the meeting sends everyone out', async () => {
    const [host, kira, lev] = await meeting('end', ['Host', 'Kira', 'Lev']);
    expect(await kira!.client.send('endMeeting', {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    await host!.client.request('endMeeting', {});
    expect(await kira!.client.next('removed')).toEqual({ reason: 'meetingEnded' });
    expect(await lev!.client.next('removed')).toEqual({ reason: 'meetingEnded' });
    expect(await server.server.io.in('room:end').fetchSockets()).toHaveLength(0);
    expect((await server.sfu.sfu.call('inspectRoom', { roomId: 'end' })).exists).toBe(false);
  });

  it('hosts create guest invites whose link carries the token only in the fragment', async () => {
    const [host] = await meeting('invites', ['Host']);
    const invite = await host!.client.request('createInvite', { ttlMinutes: 60, name: 'Гость' });
    expect(invite.path).toMatch(/^\/r\/invites#invite=/);
    const guest = await connectClient(server.url, { auth: { invite: invite.invite } });
    clients.push(guest);
    expect(await guest.join('invites', 'whatever')).toMatchObject({
      role: 'guest',
      displayName: 'Гость',
    });
  });
});
