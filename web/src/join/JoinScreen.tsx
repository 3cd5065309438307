// Before entering a room: the name others will see, a passcode when the room
// asks for one, and the join button.
import { useEffect, useState } from 'preact/hooks';
import { displayNameSchema } from '../../../signaling/protocol/index.js';
import { describeError, needsReload } from '../i18n/errors.js';
import { t } from '../i18n/index.js';
import type { SignalingError } from '../signaling/client.js';
import '../screens/screens.css';
import './join.css';

export interface JoinScreenProps {
  room: string;
  initialName: string;
  /**
   * The name our token or invite sets: the server uses it whatever we type,
   * so the field starts with it and a hint says so.
   */
  fixedName: string | undefined;
  /** We hold a token or an invite (for the wording of UNAUTHENTICATED). */
  signedIn: boolean;
  busy: boolean;
  error: SignalingError | undefined;
  /** The room wants a passcode (the last attempt had none or a wrong one). */
  askPasscode: boolean;
  onJoin(displayName: string, passcode: string | undefined): void;
}

export function JoinScreen(props: JoinScreenProps) {
  const { room, initialName, fixedName, signedIn, busy, error, askPasscode, onJoin } = props;
  const [name, setName] = useState(initialName);
  const [passcode, setPasscode] = useState('');
  const parsed = displayNameSchema.safeParse(name);

  // A token the workspace sends after the page opened brings its name.
  useEffect(() => {
    if (fixedName) setName(fixedName);
  }, [fixedName]);

  return (
    <main class="screen">
      <form
        class="card join"
        onSubmit={(event) => {
          event.preventDefault();
          if (busy) return;
          if (!parsed.success) {
            event.currentTarget
              .querySelector<HTMLInputElement>('[data-testid="display-name"]')
              ?.focus();
          } else if (askPasscode && passcode === '') {
            event.currentTarget
              .querySelector<HTMLInputElement>('[data-testid="passcode"]')
              ?.focus();
          } else {
            onJoin(parsed.data, askPasscode ? passcode : undefined);
          }
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
            autoFocus={!askPasscode}
            autoComplete="name"
            disabled={busy}
            aria-invalid={name !== '' && !parsed.success}
          />
        </label>
        {fixedName && (
          <p class="card__hint" data-testid="name-fixed">
            {t('join.nameFixed', { name: fixedName })}
          </p>
        )}
        {error && (
          <div class="join__error" role="alert" data-testid="join-error" data-code={error.code}>
            <p>{describeError(error, { signedIn })}</p>
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
        <div class="join__submit">
          {askPasscode && (
            <label class="field join__passcode">
              <span class="field__label">{t('join.passcodeLabel')}</span>
              <input
                class="input"
                type="password"
                data-testid="passcode"
                value={passcode}
                onInput={(event) => setPasscode(event.currentTarget.value)}
                maxLength={64}
                autoFocus
                autoComplete="off"
                disabled={busy}
              />
            </label>
          )}
          <button class="button button--primary" type="submit" data-testid="join" disabled={busy}>
            {busy ? t('join.joining') : t('join.submit')}
          </button>
        </div>
      </form>
    </main>
  );
}
