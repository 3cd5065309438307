import type { ChatMessage } from '../chat/store.js';
import type { ChatMessageInfo } from '../protocol/index.js';
import type { RoomControl } from '../rooms/control.js';
import { personIdOf } from './identityOf.js';

// Messages name people by `personIdOf`: a guest's invite link is not a person.
const memberOf = (control: RoomControl, person: string) =>
  Object.values(control.members).find((m) => personIdOf(m) === person);

/** A stored message as `viewer` sees it: peer ids only of people still present. */
export function chatView(
  message: ChatMessage,
  control: RoomControl,
  viewer: string,
): ChatMessageInfo {
  const sender = memberOf(control, message.from);
  const recipientName =
    message.to !== undefined && message.from === viewer
      ? (memberOf(control, message.to)?.displayName ?? '')
      : undefined;
  return {
    id: message.id,
    fromName: message.fromName,
    ...(sender ? { fromPeerId: sender.peerId } : {}),
    private: message.to !== undefined,
    ...(recipientName !== undefined ? { toName: recipientName } : {}),
    text: message.text,
    sentAt: message.sentAt.getTime(),
  };
}
