// Toasts over the meeting (see toasts.ts). A request to unmute, and the hint
// that we are talking while muted, carry an "Unmute" button: we never unmute
// by ourselves.
import { describeError } from '../i18n/errors.js';
import { t } from '../i18n/index.js';
import { useSession, useToastList } from './sessionContext.js';
import { shortcuts } from './shortcuts.js';
import type { Toast } from './toasts.js';

function text(toast: Toast): string {
  switch (toast.kind) {
    case 'mutedByHost':
      return t(
        toast.source === 'mic'
          ? 'toast.mutedMic'
          : toast.source === 'camera'
            ? 'toast.mutedCamera'
            : 'toast.mutedScreen',
        { name: toast.byName },
      );
    case 'unmuteRequested':
      return t('toast.unmuteRequested', { name: toast.byName });
    case 'roleChanged':
      return t(
        toast.role === 'host'
          ? 'toast.nowHost'
          : toast.role === 'cohost'
            ? 'toast.nowCohost'
            : 'toast.noLongerCohost',
      );
    case 'talkingWhileMuted':
      return t('toast.talkingWhileMuted', { key: shortcuts.mic.label });
    case 'chatDisabled':
      return t('toast.chatDisabled');
    case 'chatEnabled':
      return t('toast.chatEnabled');
    case 'mutedAll':
      return t('toast.mutedAll', { count: toast.count });
    case 'lobbyArrived':
      return t('toast.lobbyArrived', { name: toast.name });
    case 'actionFailed':
      return describeError(toast.error);
  }
}

export function Toasts() {
  const session = useSession();
  const toasts = useToastList();
  if (toasts.length === 0) return null;
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.map(({ id, toast }) => (
        <div
          key={id}
          class={`toast ${toast.kind === 'actionFailed' ? 'toast--error' : ''}`}
          data-testid={toast.kind === 'unmuteRequested' ? 'unmute-prompt' : 'toast'}
          data-kind={toast.kind}
        >
          <span class="toast__text">{text(toast)}</span>
          {(toast.kind === 'unmuteRequested' || toast.kind === 'talkingWhileMuted') && (
            <button
              type="button"
              class="button button--primary button--small"
              data-testid={toast.kind === 'unmuteRequested' ? 'unmute-accept' : 'toast-unmute'}
              onClick={() => session.setEnabled('mic', true)}
            >
              {t('toast.unmute')}
            </button>
          )}
          {toast.kind === 'lobbyArrived' && (
            <button
              type="button"
              class="button button--primary button--small"
              data-testid="toast-admit"
              onClick={() => void session.perform('admit', { peerId: toast.peerId })}
            >
              {t('lobbyQueue.admit')}
            </button>
          )}
          <button
            type="button"
            class="banner__close"
            data-testid="toast-dismiss"
            aria-label={t('notice.dismiss')}
            title={t('notice.dismiss')}
            onClick={() => session.toasts.dismiss(id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
