import type { HandlerContext } from '../core/context.js';
import type { ParsedRequest, RequestType, ResponseData } from '../protocol/index.js';
import type { MemberState } from '../rooms/control.js';
import type { PeerState } from '../rooms/registry.js';
import { AppError } from '../core/errors.js';

export type Handler<T extends RequestType> = (
  ctx: HandlerContext,
  payload: ParsedRequest<T>,
) => Promise<ResponseData<T>>;

export type HandlerMap = { [T in RequestType]: Handler<T> };

/** The caller's media state on this node; every media request requires a joined room. */
export function requirePeer(ctx: HandlerContext): PeerState {
  const peer = ctx.session.peer;
  if (!peer) throw new AppError('NOT_JOINED', 'join a room first');
  return peer;
}

/** The caller as a room member (the dispatcher has checked the permission). */
export function requireMember(ctx: HandlerContext): MemberState {
  if (!ctx.member) throw new AppError('NOT_JOINED', 'join a room first');
  return ctx.member;
}
