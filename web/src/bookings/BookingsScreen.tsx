// The office's rooms, one week at a time: every booking's occurrences by day,
// a form to book, change or cancel. Needs a staff token (from the workspace:
// URL fragment or postMessage, memory only).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { CredentialStore } from '../auth/credentials.js';
import { formatDate, t } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import {
  createBookingsApi,
  type BookingsApi,
  type OccurrenceListItem,
  type RoomView,
} from './api.js';
import { BookingEditor, type EditorTarget } from './BookingEditor.js';
import { addDays, nextHour, sameDay, startOfWeek, weekDays } from './calendar.js';
import '../screens/screens.css';
import './bookings.css';

const isDevHost = () => ['localhost', '127.0.0.1', '[::1]'].includes(location.hostname);

function SignIn() {
  return (
    <main class="screen">
      <div class="card" role="alert" data-testid="bookings-signin">
        <h1 class="card__title">{t('bookings.title')}</h1>
        <p class="card__lead">{t('bookings.signIn')}</p>
        {isDevHost() && (
          <p class="card__hint" data-testid="bookings-dev-hint">
            {t('bookings.devHint', { command: 'npm run dev:token', path: location.pathname })}
          </p>
        )}
      </div>
    </main>
  );
}

export function BookingsScreen({ credentials }: { credentials: CredentialStore }) {
  const identity = useStore(credentials);
  const api = useMemo(
    () =>
      createBookingsApi(() => {
        const current = credentials.get();
        return current.kind === 'token' ? current.token : undefined;
      }),
    [credentials],
  );
  if (identity.kind !== 'token') return <SignIn />;
  return <Calendar api={api} />;
}

type Load<T> =
  { state: 'loading' } | { state: 'ready'; value: T } | { state: 'failed'; message: string };

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function Calendar({ api }: { api: BookingsApi }) {
  const [rooms, setRooms] = useState<Load<RoomView[]>>({ state: 'loading' });
  const [monday, setMonday] = useState(() => startOfWeek(new Date()));
  const [items, setItems] = useState<Load<OccurrenceListItem[]>>({ state: 'loading' });
  const [reload, setReload] = useState(0);
  const [editor, setEditor] = useState<EditorTarget | undefined>(undefined);
  const [roomFilter, setRoomFilter] = useState('');
  const newButton = useRef<HTMLButtonElement>(null);
  /** Keyboard users land back on the toolbar, not at the top of the page. */
  const closeEditor = () => {
    setEditor(undefined);
    requestAnimationFrame(() => newButton.current?.focus());
  };

  useEffect(() => {
    api.rooms().then(
      (value) => setRooms({ state: 'ready', value }),
      (error: unknown) => setRooms({ state: 'failed', message: messageOf(error) }),
    );
  }, [api]);

  const officeId = rooms.state === 'ready' ? rooms.value[0]?.officeId : undefined;
  useEffect(() => {
    if (!officeId) return;
    let current = true;
    setItems({ state: 'loading' });
    api.occurrences(officeId, monday, addDays(monday, 7)).then(
      (value) => current && setItems({ state: 'ready', value }),
      (error: unknown) => current && setItems({ state: 'failed', message: messageOf(error) }),
    );
    return () => {
      current = false;
    };
  }, [api, officeId, monday, reload]);

  const openBooking = (id: string) =>
    api.booking(id).then(
      (booking) => setEditor({ kind: 'edit', booking }),
      (error: unknown) => setItems({ state: 'failed', message: messageOf(error) }),
    );
  const newBooking = (day?: Date) => {
    const start = nextHour(new Date(), day);
    setEditor({
      kind: 'new',
      start,
      end: new Date(start.getTime() + 3600_000),
      ...(roomFilter ? { room: roomFilter } : {}),
    });
  };

  if (rooms.state === 'loading') {
    return (
      <main class="screen" aria-busy="true">
        <p role="status">{t('bookings.loading')}</p>
      </main>
    );
  }
  if (rooms.state === 'failed' || rooms.value.length === 0) {
    return (
      <main class="screen">
        <div class="card" role="alert" data-testid="bookings-empty-rooms">
          <h1 class="card__title">{t('bookings.title')}</h1>
          <p class="card__lead">
            {rooms.state === 'failed'
              ? t('bookings.failed', { message: rooms.message })
              : t('bookings.noRooms')}
          </p>
        </div>
      </main>
    );
  }

  const days = weekDays(monday);
  const sunday = addDays(monday, 6);
  const roomName = new Map(rooms.value.map((r) => [r.slug, r.name]));
  const shown =
    items.state === 'ready'
      ? items.value.filter(
          (o) => o.status !== 'cancelled' && (!roomFilter || o.room === roomFilter),
        )
      : [];
  const today = new Date();

  return (
    <main class="bookings">
      <header class="bookings__header">
        <h1 class="bookings__title">{t('bookings.title')}</h1>
        <nav class="bookings__nav" aria-label={t('bookings.title')}>
          <button
            class="button button--small"
            type="button"
            data-testid="bookings-prev"
            aria-label={t('bookings.prev')}
            onClick={() => setMonday((m) => addDays(m, -7))}
          >
            ‹
          </button>
          <button
            class="button button--small"
            type="button"
            data-testid="bookings-today"
            onClick={() => setMonday(startOfWeek(new Date()))}
          >
            {t('bookings.today')}
          </button>
          <button
            class="button button--small"
            type="button"
            data-testid="bookings-next"
            aria-label={t('bookings.next')}
            onClick={() => setMonday((m) => addDays(m, 7))}
          >
            ›
          </button>
          <span class="bookings__range" data-testid="bookings-range">
            {t('bookings.week', {
              from: formatDate(monday, { day: 'numeric', month: 'long' }),
              to: formatDate(sunday, { day: 'numeric', month: 'long', year: 'numeric' }),
            })}
          </span>
        </nav>
        <label class="bookings__filter">
          <span class="field__label">{t('bookings.room')}</span>
          <select
            class="input input--small"
            data-testid="bookings-room-filter"
            value={roomFilter}
            onChange={(e) => setRoomFilter(e.currentTarget.value)}
          >
            <option value="">{t('bookings.allRooms')}</option>
            {rooms.value.map((r) => (
              <option key={r.slug} value={r.slug}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <button
          ref={newButton}
          class="button button--primary"
          type="button"
          data-testid="booking-new"
          onClick={() => newBooking()}
        >
          {t('bookings.new')}
        </button>
      </header>
      {items.state === 'failed' && (
        <p class="booking-editor__error" role="alert" data-testid="bookings-load-error">
          {t('bookings.failed', { message: items.message })}
        </p>
      )}
      {editor && (
        <BookingEditor
          key={editor.kind === 'edit' ? editor.booking.id : 'new'}
          api={api}
          rooms={rooms.value}
          target={editor}
          onChanged={() => {
            closeEditor();
            setReload((n) => n + 1);
          }}
          onClose={closeEditor}
        />
      )}
      <div class="bookings__week" data-testid="bookings-week" aria-busy={items.state === 'loading'}>
        {days.map((day) => {
          const list = shown.filter((o) => sameDay(new Date(o.start), day));
          const label = formatDate(day, { weekday: 'long', day: 'numeric', month: 'long' });
          return (
            <section
              key={day.toISOString()}
              class={`bookings__day${sameDay(day, today) ? ' bookings__day--today' : ''}`}
              aria-label={label}
              data-testid="bookings-day"
            >
              <h2 class="bookings__day-title">
                {formatDate(day, { weekday: 'short', day: 'numeric', month: 'short' })}
              </h2>
              <ul class="bookings__list">
                {list.map((o) => (
                  <li key={o.id}>
                    <button
                      type="button"
                      class="bookings__item"
                      data-testid="booking-item"
                      data-booking-id={o.bookingId}
                      data-occurrence-id={o.id}
                      onClick={() => void openBooking(o.bookingId)}
                    >
                      <span class="bookings__time">
                        {formatDate(new Date(o.start), { hour: '2-digit', minute: '2-digit' })}–
                        {formatDate(new Date(o.end), { hour: '2-digit', minute: '2-digit' })}
                      </span>
                      <span class="bookings__item-title">{o.title}</span>
                      <span class="bookings__room">{roomName.get(o.room) ?? o.room}</span>
                    </button>
                  </li>
                ))}
              </ul>
              <button
                type="button"
                class="button button--small bookings__add"
                data-testid="booking-new-day"
                aria-label={`${t('bookings.new')}: ${label}`}
                onClick={() => newBooking(day)}
              >
                +
              </button>
            </section>
          );
        })}
      </div>
      {items.state === 'ready' && shown.length === 0 && (
        <p class="bookings__empty" data-testid="bookings-empty">
          {t('bookings.empty')}
        </p>
      )}
    </main>
  );
}
