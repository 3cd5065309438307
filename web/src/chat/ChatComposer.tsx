// Writing a message: to everyone or privately to one person; Enter sends,
// Shift+Enter starts a new line. Disabled, with the reason, when the host
// has turned chat off for participants.
import { useState } from 'preact/hooks';
import { MAX_CHAT_LENGTH, isChatText } from '../../../signaling/protocol/limits.js';
import { describeError } from '../i18n/errors.js';
import { t } from '../i18n/index.js';
import { SignalingError } from '../signaling/client.js';

export interface Recipient {
  readonly peerId: string;
  readonly displayName: string;
}

export interface ChatComposerProps {
  recipients: readonly Recipient[];
  disabled: boolean;
  send(text: string, toPeerId: string | undefined): Promise<void>;
}

export function ChatComposer({ recipients, disabled, send }: ChatComposerProps) {
  const [text, setText] = useState('');
  const [to, setTo] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  // A recipient who left: back to everyone.
  const toPeerId = recipients.some((r) => r.peerId === to) ? to : '';
  const valid = isChatText(text);

  async function submit() {
    if (!valid || sending || disabled) return;
    setSending(true);
    setError(undefined);
    try {
      await send(text.trim(), toPeerId || undefined);
      setText('');
    } catch (failure) {
      setError(failure instanceof SignalingError ? describeError(failure) : String(failure));
    } finally {
      setSending(false);
    }
  }

  return (
    <form
      class="chat-composer"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <label class="chat-composer__to">
        <span>{t('chat.to')}</span>
        <select
          class="input input--small"
          data-testid="chat-recipient"
          value={toPeerId}
          disabled={disabled}
          onChange={(event) => setTo(event.currentTarget.value)}
        >
          <option value="">{t('chat.everyone')}</option>
          {recipients.map((r) => (
            <option key={r.peerId} value={r.peerId}>
              {t('chat.privately', { name: r.displayName })}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p class="chat-composer__error" role="alert" data-testid="chat-error">
          {error}
        </p>
      )}
      <div class="chat-composer__row">
        <textarea
          class="input chat-composer__input"
          data-testid="chat-input"
          rows={2}
          value={text}
          maxLength={MAX_CHAT_LENGTH}
          disabled={disabled}
          placeholder={t(disabled ? 'chat.disabledPlaceholder' : 'chat.placeholder')}
          aria-label={t('chat.placeholder')}
          onInput={(event) => setText(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              void submit();
            }
          }}
        />
        <button
          type="submit"
          class="button button--primary"
          data-testid="chat-send"
          disabled={disabled || sending || !valid}
        >
          {t('chat.send')}
        </button>
      </div>
    </form>
  );
}
