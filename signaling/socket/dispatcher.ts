// One connection's requests: size and rate limits, schema validation, the
// permission check, the handler, and the reply. Whatever a client sends, it
// gets a reply with a stable code and the server keeps serving everyone else.
import type { Socket } from 'socket.io';
import type { Identity } from '../auth/identity.js';
import type { HandlerContext, Services, Session } from '../core/context.js';
import { AppError, toProtocolError } from '../core/errors.js';
import { handlers, leaveRoom } from '../handlers/index.js';
import { dropConnection } from '../handlers/leave.js';
import type { Handler } from '../handlers/types.js';
import {
  MAX_PAYLOAD_BYTES,
  isRequestType,
  requests,
  type ClientToServerEvents,
  type Reply,
  type RequestType,
  type ServerToClientEvents,
} from '../protocol/index.js';
import type { MemberState } from '../rooms/control.js';
import type { LobbyWaits } from '../rooms/lobbyWaits.js';
import type { SignalingMetrics } from '../metrics/signalingMetrics.js';
import type { ConnectionLifecycle } from './lifecycle.js';
import { can, requestActions } from '../protocol/permissions.js';
import { createRateLimiter } from './rateLimiter.js';

type AnyAck = (reply: Reply<unknown>) => void;

function payloadSize(payload: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(payload) ?? '');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** The caller's membership, checked against the action the request needs. */
async function authorise(
  type: RequestType,
  session: Session,
  services: Services,
): Promise<MemberState | undefined> {
  const action = requestActions[type];
  if (action === 'entry') return undefined;
  if (session.waiting) throw new AppError('IN_LOBBY', 'wait until a host admits you');
  const peer = session.peer;
  if (!peer) throw new AppError('NOT_JOINED', 'join a room first');
  const control = await services.store.read(peer.roomName);
  const member = control?.members[peer.id];
  if (!member) throw new AppError('NOT_JOINED', 'you are no longer in this room');
  if (!can(member.role, action))
    throw new AppError('FORBIDDEN', `a ${member.role} may not ${type}`);
  return member;
}

export interface ConnectionInfo {
  identity: Identity;
  ip: string;
  /** Requests of all connections from one address (an office behind NAT shares it). */
  perAddress: { take(key: string): boolean };
  /** This node's lobby waits: the connection's own is tracked as it starts and ends. */
  lobbyWaits: LobbyWaits;
  /** The server's view of clean-ups and grace timers (waited for and cancelled on close). */
  lifecycle: ConnectionLifecycle;
  /** Counts every answer, refusals by error code. */
  metrics: Pick<SignalingMetrics, 'requestAnswered'>;
}

export function attachConnection(
  socket: Socket<ClientToServerEvents, ServerToClientEvents>,
  services: Services,
  info: ConnectionInfo,
): void {
  const session: Session = {
    socketId: socket.id,
    identity: info.identity,
    ip: info.ip,
    peer: undefined,
    waiting: undefined,
    log: services.log.child({ socket: socket.id }),
  };
  const reactions = createRateLimiter(1, 5);
  const context = (member: MemberState | undefined): HandlerContext => ({
    session,
    services,
    member,
    joinGroup: (group) => void socket.join(group),
    leaveGroup: (group) => void socket.leave(group),
    takeReaction: () => reactions.take(),
  });
  const limiter = createRateLimiter(30, 60);
  // Joining a large room resumes one consumer per remote track at once; those
  // requests only touch consumers the server made for this peer, so they get
  // a bucket of their own sized for a full room.
  const resumeLimiter = createRateLimiter(100, 400);
  // Requests of one connection run one at a time, in order: a client's
  // produce cannot overtake its own createTransport.
  let queue: Promise<void> = Promise.resolve();
  // The lobby wait last reported to the node's tracker.
  let tracked: { room: string; peerId: string } | undefined;
  const trackWait = () => {
    const now = session.waiting;
    if (now?.room === tracked?.room && now?.peerId === tracked?.peerId) return;
    if (tracked) info.lobbyWaits.ended(tracked.room, tracked.peerId);
    if (now) info.lobbyWaits.started(now.room, now.peerId, session.socketId);
    // A room's events are followed while someone of this node waits in it too.
    if (tracked) services.watch.update(tracked.room);
    if (now) services.watch.update(now.room);
    tracked = now ? { ...now } : undefined;
  };

  async function handle(type: string, payload: unknown): Promise<Reply<unknown>> {
    if (!isRequestType(type))
      throw new AppError('UNKNOWN_MESSAGE', `unknown message type "${type}"`);
    if (payloadSize(payload) > MAX_PAYLOAD_BYTES) {
      throw new AppError('PAYLOAD_TOO_LARGE', `payload exceeds ${MAX_PAYLOAD_BYTES} bytes`);
    }
    const parsed = requests[type].request.safeParse(payload);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first?.path.length ? `${first.path.join('.')}: ` : '';
      throw new AppError('BAD_REQUEST', `${type}: ${where}${first?.message ?? 'invalid payload'}`);
    }
    const member = await authorise(type, session, services);
    const handler = handlers[type] as Handler<RequestType>;
    const data = await handler(context(member), parsed.data as never);
    return { ok: true, data };
  }

  socket.onAny((type: string, ...args: unknown[]) => {
    const ack = args.at(-1);
    if (typeof ack !== 'function') {
      session.log.debug({ type }, 'message without acknowledgement ignored');
      return;
    }
    const reply = ack as AnyAck;
    const limited =
      !(type === 'resumeConsumer' ? resumeLimiter : limiter).take() ||
      !info.perAddress.take(info.ip);
    if (limited) {
      info.metrics.requestAnswered(type, 'RATE_LIMITED');
      reply({ ok: false, error: { code: 'RATE_LIMITED', message: 'too many requests' } });
      return;
    }
    const payload = args.length > 1 ? args[0] : undefined;
    queue = queue.then(async () => {
      try {
        const answer = await handle(type, payload);
        info.metrics.requestAnswered(type);
        reply(answer);
      } catch (error) {
        const { error: protocolError, internal, detail } = toProtocolError(error);
        if (internal) session.log.error({ err: error, type }, 'request failed');
        else if (detail)
          session.log.info({ type, code: protocolError.code, detail }, 'media refused');
        else session.log.debug({ type, code: protocolError.code }, 'request refused');
        info.metrics.requestAnswered(type, protocolError.code);
        reply({ ok: false, error: protocolError });
      } finally {
        trackWait();
      }
    });
  });

  socket.on('disconnect', (reason) => {
    session.log.debug({ reason }, 'disconnected');
    // Closing the page or being removed is leaving; a network drop is not.
    const deliberate =
      reason === 'client namespace disconnect' || reason === 'server namespace disconnect';
    queue = queue
      .then(() =>
        deliberate
          ? leaveRoom(context(undefined))
          : dropConnection(context(undefined), services.reconnectGraceMs, info.lifecycle.after),
      )
      .catch((error: unknown) => {
        session.log.error({ err: error }, 'cleanup after disconnect failed');
      })
      .finally(trackWait);
    info.lifecycle.track(queue);
  });
}
