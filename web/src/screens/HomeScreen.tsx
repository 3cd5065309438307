// The start page: type a room name, go to its address.
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { isValidRoomName, roomPath } from '../routing.js';
import './screens.css';

export function HomeScreen() {
  const [room, setRoom] = useState('');
  const name = room.trim();
  const valid = isValidRoomName(name);

  return (
    <main class="screen">
      <form
        class="card"
        onSubmit={(event) => {
          event.preventDefault();
          if (valid) location.assign(roomPath(name));
        }}
      >
        <h1 class="card__brand">{t('app.title')}</h1>
        <p class="card__lead">{t('home.heading')}</p>
        <label class="field">
          <span class="field__label">{t('home.roomLabel')}</span>
          <input
            class="input"
            data-testid="room-name"
            value={room}
            onInput={(event) => setRoom(event.currentTarget.value)}
            placeholder={t('home.roomPlaceholder')}
            maxLength={64}
            autoFocus
            autoComplete="off"
          />
        </label>
        {name !== '' && !valid && <p class="card__hint">{t('home.invalid')}</p>}
        <button class="button button--primary" type="submit" data-testid="go" disabled={!valid}>
          {t('home.go')}
        </button>
      </form>
    </main>
  );
}
