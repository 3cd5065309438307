// Opens the chat panel; a badge counts messages that arrived while it was closed.
import { t } from '../i18n/index.js';
import { ControlToggle } from '../meeting/ControlToggle.js';
import { ChatIcon } from '../meeting/icons.js';

export function ChatToggle({
  open,
  unread,
  onToggle,
}: {
  open: boolean;
  unread: number;
  onToggle(): void;
}) {
  const label = unread > 0 ? t('chat.toggleUnread', { count: unread }) : t('chat.toggle');
  return (
    <ControlToggle testId="chat-toggle" pressed={open} label={label} onClick={onToggle}>
      <ChatIcon />
      {unread > 0 && (
        <span class="control__badge" data-testid="chat-unread">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </ControlToggle>
  );
}
