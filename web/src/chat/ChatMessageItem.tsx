// One chat message: who, when, to whom if private, and the text — as text,
// never as markup. The time follows the interface language: it is formatted
// on each render (the root re-renders on a language switch).
import type { ChatMessageInfo } from '../../../signaling/protocol/index.js';
import { formatTime, t } from '../i18n/index.js';

export function ChatMessageItem({ message, mine }: { message: ChatMessageInfo; mine: boolean }) {
  return (
    <li
      class={`chat-message ${mine ? 'chat-message--mine' : ''} ${message.private ? 'chat-message--private' : ''}`}
      data-testid="chat-message"
      data-from={message.fromName}
      data-private={message.private ? 'true' : 'false'}
      data-mine={mine ? 'true' : 'false'}
    >
      <div class="chat-message__meta">
        <span class="chat-message__from">{mine ? t('meeting.you') : message.fromName}</span>
        {message.private && (
          <span class="chat-message__private" data-testid="chat-private">
            {message.toName ? t('chat.privateTo', { name: message.toName }) : t('chat.private')}
          </span>
        )}
        <time class="chat-message__time" dateTime={new Date(message.sentAt).toISOString()}>
          {formatTime(new Date(message.sentAt))}
        </time>
      </div>
      <p class="chat-message__text">{message.text}</p>
    </li>
  );
}
