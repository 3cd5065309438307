import { randomUUID } from 'node:crypto';
import { AppError } from '../core/errors.js';
import { PROTOCOL_VERSION, protocolMajor, roomNameSchema } from '../protocol/index.js';
import { toPeerInfo } from '../rooms/registry.js';
import { roomGroup } from '../socket/notifier.js';
import type { Handler } from './types.js';
import { leaveRoom } from './leave.js';

export const join: Handler<'join'> = async (ctx, req) => {
  if (protocolMajor(req.protocolVersion) !== protocolMajor(PROTOCOL_VERSION)) {
    throw new AppError(
      'PROTOCOL_VERSION_MISMATCH',
      `server speaks protocol ${PROTOCOL_VERSION}; reload the page`,
    );
  }
  const room = roomNameSchema.safeParse(req.room);
  if (!room.success) {
    throw new AppError('INVALID_ROOM_NAME', 'room names are 1–64 letters, digits, - and _');
  }
  if (ctx.session.peer)
    throw new AppError('ALREADY_JOINED', 'this connection already joined a room');

  const roomName = room.data;
  const { services, session } = ctx;
  // Registered before the SFU call so a concurrent last leave cannot close
  // the room under this join.
  const peer = services.rooms.addPeer({
    id: randomUUID(),
    roomName,
    displayName: req.displayName,
    socketId: session.socketId,
  });
  session.peer = peer;
  session.log = session.log.child({ room: roomName, peer: peer.id });
  let rtpCapabilities;
  try {
    ({ rtpCapabilities } = await services.sfu.call('openRoom', { roomId: roomName }));
  } catch (error) {
    await leaveRoom(ctx);
    throw error;
  }
  ctx.joinGroup(roomGroup(roomName));
  services.notify.toRoom(roomName, 'peerJoined', { peer: toPeerInfo(peer) }, session.socketId);
  session.log.info({ displayName: req.displayName }, 'peer joined');

  const others = [...(services.rooms.room(roomName)?.peers.values() ?? [])].filter(
    (p) => p.id !== peer.id,
  );
  return {
    protocolVersion: PROTOCOL_VERSION,
    peerId: peer.id,
    room: roomName,
    routerRtpCapabilities: rtpCapabilities,
    peers: others.map(toPeerInfo),
  };
};
