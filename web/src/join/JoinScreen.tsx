// Before entering a room: the name others will see, and the join button.
import { useState } from 'preact/hooks';
import { displayNameSchema } from '../../../signaling/protocol/index.js';
import { describeError, needsReload } from '../i18n/errors.js';
import { t } from '../i18n/index.js';
import type { SignalingError } from '../signaling/client.js';
import '../screens/screens.css';
import './join.css';

export interface JoinScreenProps {
  room: string;
  initialName: string;
  busy: boolean;
  error: SignalingError | undefined;
  onJoin(displayName: string): void;
}

export function JoinScreen({ room, initialName, busy, error, onJoin }: JoinScreenProps) {
  const [name, setName] = useState(initialName);
  const parsed = displayNameSchema.safeParse(name);

  return (
    <main class="screen">
      <form
        class="card join"
        onSubmit={(event) => {
          event.preventDefault();
          if (busy) return;
          if (parsed.success) onJoin(parsed.data);
          else event.currentTarget.querySelector('input')?.focus();
        }}
      >
        <h1 class="card__brand">{t('app.title')}</h1>
        <p class="join__room" data-testid="room-title">
          {t('join.room', { room })}
        </p>
        <label class="field">
          <span class="field__label">{t('join.nameLabel')}</span>
          <input
            class="input"
            data-testid="display-name"
            value={name}
            onInput={(event) => setName(event.currentTarget.value)}
            placeholder={t('join.namePlaceholder')}
            maxLength={64}
            autoFocus
            autoComplete="name"
            disabled={busy}
            aria-invalid={name !== '' && !parsed.success}
          />
        </label>
        {error && (
          <div class="join__error" role="alert" data-testid="join-error">
            <p>{describeError(error)}</p>
            {needsReload(error) && (
              <button
                class="button"
                type="button"
                data-testid="reload"
                onClick={() => location.reload()}
              >
                {t('join.reload')}
              </button>
            )}
          </div>
        )}
        <button class="button button--primary" type="submit" data-testid="join" disabled={busy}>
          {busy ? t('join.joining') : t('join.submit')}
        </button>
      </form>
    </main>
  );
}
