// The permission matrix: every request × every role (and a lobby member and a
// stranger) against the one permission table. An action added without a
// table entry fails to compile; a handler that skips the check fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingRole } from '../../signaling/protocol/roles.js';
import {
  PROTOCOL_VERSION,
  requestTypes,
  type RequestPayload,
  type RequestType,
} from '../../signaling/protocol/index.js';
import {
  actions,
  can,
  permissionTable,
  requestActions,
} from '../../signaling/protocol/permissions.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestServer, type TestServer } from '../harness/server.js';

const nobody = 'no-such-peer';
/** A valid payload for each request (targets nobody, changes nothing that matters). */
const samples: { [T in RequestType]: RequestPayload<T> } = {
  join: { room: 'x', displayName: 'x', protocolVersion: PROTOCOL_VERSION },
  leave: {},
  createTransport: { direction: 'recv' },
  connectTransport: {
    transportId: 't',
    dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] },
  },
  closeTransport: { transportId: 't' },
  restartIce: { transportId: 't' },
  ready: { rtpCapabilities: {} },
  resumeConsumer: { consumerId: 'c' },
  pauseConsumer: { consumerId: 'c' },
  setConsumerPreferredLayers: { consumerId: 'c', spatialLayer: 0 },
  produce: {
    transportId: 't',
    kind: 'audio',
    source: 'mic',
    rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000 }] },
  },
  pauseProducer: { producerId: 'p' },
  resumeProducer: { producerId: 'p' },
  closeProducer: { producerId: 'p' },
  admit: { peerId: nobody },
  deny: { peerId: nobody },
  setRoomLock: { locked: false },
  setLobby: { enabled: false },
  setPasscode: { passcode: null },
  setChatEnabled: { enabled: true },
  setScreenShareAllowed: { allowed: true },
  muteParticipant: { peerId: nobody },
  muteAll: {},
  stopVideo: { peerId: nobody },
  askToUnmute: { peerId: nobody },
  removeParticipant: { peerId: nobody },
  banParticipant: { peerId: nobody },
  setRole: { peerId: nobody, role: 'cohost' },
  transferHost: { peerId: nobody },
  endMeeting: {},
  createInvite: { ttlMinutes: 60 },
  raiseHand: {},
  lowerHand: {},
  react: { reaction: 'clap' },
  sendChat: { text: 'hello' },
  reportJoinTiming: { joinToMediaMs: 1500 },
};
// Destructive last: ending the meeting takes the actor out.
const order = [...requestTypes.filter((t) => t !== 'endMeeting'), 'endMeeting' as const].filter(
  (t) => requestActions[t] !== 'entry',
);

describe('permission matrix', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const connect = async (auth?: Record<string, string>) => {
    const c = await connectClient(server.url, auth ? { auth } : {});
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('maps every request to an action and every action to a table row', () => {
    expect(Object.keys(requestActions).sort()).toEqual([...requestTypes].sort());
    expect(Object.keys(permissionTable).sort()).toEqual([...actions].sort());
    const used = new Set(Object.values(requestActions));
    // Actions checked inside handlers rather than through requestActions.
    const handlerChecked = [
      'screen.share',
      'screen.shareWhenRestricted',
      'hand.lowerOthers',
      'chat.sendWhileDisabled',
    ];
    for (const action of actions)
      expect(used.has(action) || handlerChecked.includes(action), action).toBe(true);
  });

  /** An actor of `role` in a fresh room (with a host present when the actor is not the host). */
  async function actorWithRole(room: string, role: MeetingRole | 'lobby'): Promise<TestClient> {
    const host = await connect();
    await host.join(room, 'Host');
    if (role === 'host') return host;
    if (role === 'guest') {
      const { token } = await server.invites.issue({ room, ttlSeconds: 600 });
      const guest = await connect({ invite: token });
      await guest.join(room, 'Guest');
      return guest;
    }
    if (role === 'lobby') {
      await host.request('setLobby', { enabled: true });
      const waiting = await connect();
      const reply = await waiting.request('join', {
        room,
        displayName: 'Waiting',
        protocolVersion: PROTOCOL_VERSION,
      });
      expect(reply.status).toBe('lobby');
      return waiting;
    }
    const actor = await connect();
    const joined = await actor.join(room, 'Actor');
    if (role === 'cohost') await host.request('setRole', { peerId: joined.peerId, role: 'cohost' });
    return actor;
  }

  for (const role of ['host', 'cohost', 'participant', 'guest'] as const) {
    it(`${role}: allowed exactly what the table allows`, async () => {
      const actor = await actorWithRole(`matrix-${role}`, role);
      for (const type of order) {
        const action = requestActions[type];
        if (action === 'entry') continue;
        const reply = await actor.send(type, samples[type] as never);
        const forbidden = !reply.ok && reply.error.code === 'FORBIDDEN';
        expect(forbidden, `${role} ${type}: ${JSON.stringify(reply)}`).toBe(!can(role, action));
      }
    });
  }

  it('a lobby member can do nothing but leave', async () => {
    const waiting = await actorWithRole('matrix-lobby', 'lobby');
    for (const type of order) {
      const reply = await waiting.send(type, samples[type] as never);
      expect(reply, type).toMatchObject({ ok: false, error: { code: 'IN_LOBBY' } });
    }
    expect((await waiting.send('leave', {})).ok).toBe(true);
  });

  it('a connection that never joined can do nothing', async () => {
    const stranger = await connect();
    for (const type of order) {
      const reply = await stranger.send(type, samples[type] as never);
      expect(reply, type).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
    }
  });
});
