// Chat: public, or private to one participant; stored through the chat store.
import { randomUUID } from 'node:crypto';
import { AppError } from '../core/errors.js';
import { can } from '../protocol/permissions.js';
import type { ChatMessage } from '../chat/store.js';
import { chatView } from './chatView.js';
import { personIdOf } from './identityOf.js';
import { roomOf } from './moderationTarget.js';
import { requireMember, type Handler } from './types.js';

export const sendChat: Handler<'sendChat'> = async (ctx, { text, toPeerId }) => {
  const sender = requireMember(ctx);
  const room = roomOf(ctx);
  const control = await ctx.services.store.read(room);
  if (!control) throw new AppError('NOT_JOINED', 'the room is gone');
  if (!control.settings.chatEnabled && !can(sender.role, 'chat.sendWhileDisabled')) {
    throw new AppError('FORBIDDEN', 'the host has turned chat off');
  }
  const recipient = toPeerId === undefined ? undefined : control.members[toPeerId];
  if (toPeerId !== undefined && !recipient) throw new AppError('NOT_FOUND', 'no such participant');
  if (recipient?.peerId === sender.peerId) throw new AppError('BAD_REQUEST', 'not to yourself');

  const message: ChatMessage = {
    id: randomUUID(),
    room,
    from: personIdOf(sender),
    fromName: sender.displayName,
    to: recipient && personIdOf(recipient),
    text,
    sentAt: new Date(),
  };
  await ctx.services.chat.append(message);
  if (recipient) {
    ctx.services.notify.toSocket(recipient.socketId, 'chatMessage', {
      message: chatView(message, control, personIdOf(recipient)),
    });
  } else {
    ctx.services.notify.toRoom(
      room,
      'chatMessage',
      { message: chatView(message, control, '') },
      ctx.session.socketId,
    );
  }
  return { message: chatView(message, control, personIdOf(sender)) };
};
