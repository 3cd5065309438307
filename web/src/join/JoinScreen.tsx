// Before entering a room: the name others will see, a passcode when the room
// asks for one, and the join button — with the device checks beside them.
import { useEffect, useState } from 'preact/hooks';
import { describeError, needsReload } from '../i18n/errors.js';
import { t } from '../i18n/index.js';
import { preloadDevice } from '../media/deviceLoader.js';
import type { SignalingError } from '../signaling/client.js';
import { parseDisplayName } from './displayName.js';
import { PrejoinPanel } from './PrejoinPanel.js';
import type { PrejoinMedia } from './prejoinMedia.js';
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
  /** Camera, microphone and speakers, checked before joining. */
  prejoin: PrejoinMedia;
}

export function JoinScreen(props: JoinScreenProps) {
  const { room, initialName, fixedName, signedIn, busy, error, askPasscode, onJoin, prejoin } =
    props;
  const [name, setName] = useState(initialName);
  const [passcode, setPasscode] = useState('');
  const parsed = parseDisplayName(name);

  // The devices are asked as the form shows, and again after a failed join
  // (the meeting that took the tracks stopped them).
  useEffect(() => {
    if (!busy) void prejoin.start().then(preloadDevice);
  }, [busy, prejoin]);

  // A token the workspace sends after the page opened brings its name.
  useEffect(() => {
    if (fixedName) setName(fixedName);
  }, [fixedName]);

  return (
    <main class="screen">
      <div class="join-layout">
        <form
          class="card join"
          onSubmit={(event) => {
            event.preventDefault();
            if (busy) return;
            if (parsed === undefined) {
              event.currentTarget
                .querySelector<HTMLInputElement>('[data-testid="display-name"]')
                ?.focus();
            } else if (askPasscode && passcode === '') {
              event.currentTarget
                .querySelector<HTMLInputElement>('[data-testid="passcode"]')
                ?.focus();
            } else {
              onJoin(parsed, askPasscode ? passcode : undefined);
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
              aria-invalid={name !== '' && parsed === undefined}
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
        <PrejoinPanel media={prejoin} disabled={busy} />
      </div>
    </main>
  );
}
