// The meeting's chat: messages (history and live) and the composer. Open,
// it marks everything read.
import { useEffect, useRef } from 'preact/hooks';
import { can } from '../../../signaling/protocol/permissions.js';
import { t } from '../i18n/index.js';
import { visiblePeers } from '../meeting/peers.js';
import type { Self } from '../meeting/roomState.js';
import { useChatState, useRoomState, useSession } from '../meeting/sessionContext.js';
import { SidePanel } from '../meeting/SidePanel.js';
import { ChatComposer } from './ChatComposer.js';
import { ChatMessageItem } from './ChatMessageItem.js';
import './chat.css';

export function ChatPanel({ self, onClose }: { self: Self; onClose(): void }) {
  const session = useSession();
  const { messages } = useChatState();
  const { peers, settings } = useRoomState();
  const list = useRef<HTMLDivElement>(null);

  useEffect(() => {
    session.chat.setOpen(true);
    return () => session.chat.setOpen(false);
  }, [session]);

  // New messages scroll into view.
  useEffect(() => {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [messages.length]);

  const chatOff = !settings.chatEnabled;
  const mayWrite = !chatOff || can(self.role, 'chat.sendWhileDisabled');
  const recipients = visiblePeers(peers).map((p) => ({ peerId: p.id, displayName: p.displayName }));

  return (
    <SidePanel testId="chat" title={t('chat.title')} onClose={onClose}>
      {chatOff && (
        <p class="chat-notice" data-testid="chat-disabled" role="status">
          {t(mayWrite ? 'chat.offForParticipants' : 'chat.off')}
        </p>
      )}
      <div
        class="chat-messages"
        ref={list}
        role="log"
        aria-live="polite"
        data-testid="chat-messages"
      >
        {messages.length === 0 && <p class="panel-empty">{t('chat.empty')}</p>}
        <ol class="chat-messages__list">
          {messages.map((message) => (
            <ChatMessageItem
              key={message.id}
              message={message}
              mine={message.fromPeerId !== undefined && message.fromPeerId === self.peerId}
            />
          ))}
        </ol>
      </div>
      <ChatComposer
        recipients={recipients}
        disabled={!mayWrite}
        send={(text, toPeerId) => session.chat.send(text, toPeerId)}
      />
    </SidePanel>
  );
}
