// The administrator's overview: SFU workers and live rooms (drain, end a
// meeting), the relay (TURN) check, then pick an office, see its rooms and
// who met in them lately. Needs a staff token; the server decides what an
// account may see and its refusals show in place.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { CredentialStore } from '../auth/credentials.js';
import type { RoomView } from '../bookings/api.js';
import { formatDate, t } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import { LiveView } from './LiveView.js';
import { RelayCheckPanel } from './RelayCheck.js';
import { createAdminApi, type AdminApi, type MeetingRecord, type Office } from './api.js';
import '../screens/screens.css';
import './admin.css';

type Load<T> =
  { state: 'loading' } | { state: 'ready'; value: T } | { state: 'failed'; message: string };

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Loads again whenever `key` changes; a stale answer is dropped. */
function useLoad<T>(load: (() => Promise<T>) | undefined, key: unknown): Load<T> {
  const [result, setResult] = useState<Load<T>>({ state: 'loading' });
  useEffect(() => {
    if (!load) return;
    let current = true;
    setResult({ state: 'loading' });
    load().then(
      (value) => current && setResult({ state: 'ready', value }),
      (error: unknown) => current && setResult({ state: 'failed', message: messageOf(error) }),
    );
    return () => {
      current = false;
    };
    // `load` is a fresh closure each render: `key` alone says when to load again.
  }, [key]);
  return result;
}

export function AdminScreen({ credentials }: { credentials: CredentialStore }) {
  const identity = useStore(credentials);
  const api = useMemo(
    () =>
      createAdminApi(() => {
        const current = credentials.get();
        return current.kind === 'token' ? current.token : undefined;
      }),
    [credentials],
  );
  if (identity.kind !== 'token') {
    return (
      <main class="screen">
        <div class="card" role="alert" data-testid="admin-signin">
          <h1 class="card__title">{t('admin.title')}</h1>
          <p class="card__lead">{t('admin.signIn')}</p>
        </div>
      </main>
    );
  }
  return <Dashboard api={api} />;
}

function Failed({ message }: { message: string }) {
  return (
    <p class="admin__error" role="alert">
      {t('admin.failed', { message })}
    </p>
  );
}

function Dashboard({ api }: { api: AdminApi }) {
  const offices = useLoad(() => api.offices(), api);
  const [officeId, setOfficeId] = useState<string | undefined>(undefined);
  const list = offices.state === 'ready' ? offices.value : [];
  const selected = officeId ?? list[0]?.id;

  return (
    <main class="admin" data-testid="admin-dashboard">
      <h1 class="admin__title">{t('admin.title')}</h1>
      <LiveView api={api} />
      <RelayCheckPanel api={api} />
      {offices.state === 'failed' && <Failed message={offices.message} />}
      {offices.state === 'ready' && list.length === 0 && <p>{t('admin.noOffices')}</p>}
      {list.length > 0 && selected && (
        <>
          <label class="admin__office">
            <span class="field__label">{t('admin.office')}</span>
            <select
              class="input input--small"
              data-testid="admin-office-select"
              value={selected}
              onChange={(e) => setOfficeId(e.currentTarget.value)}
            >
              {list.map((o: Office) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
          <OfficeView api={api} officeId={selected} />
        </>
      )}
    </main>
  );
}

function OfficeView({ api, officeId }: { api: AdminApi; officeId: string }) {
  const rooms = useLoad(() => api.rooms(officeId), officeId);
  const meetings = useLoad(() => api.meetings(officeId, 20), officeId);
  return (
    <div class="admin__grid">
      <section class="admin__panel" aria-labelledby="admin-rooms" data-testid="admin-rooms">
        <h2 id="admin-rooms">{t('admin.rooms')}</h2>
        {rooms.state === 'failed' && <Failed message={rooms.message} />}
        {rooms.state === 'ready' && rooms.value.length === 0 && <p>{t('admin.noRooms')}</p>}
        {rooms.state === 'ready' && (
          <ul class="admin__list">
            {rooms.value.map((r: RoomView) => (
              <li key={r.slug} data-testid="admin-room" data-room={r.slug}>
                <a href={`/r/${encodeURIComponent(r.slug)}`}>{r.name}</a>
                <span class="admin__meta">
                  {[
                    t('admin.capacity', { count: r.capacity }),
                    r.lobby ? t('admin.lobby') : '',
                    r.passcodeSet ? t('admin.passcode') : '',
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="admin__panel" aria-labelledby="admin-meetings" data-testid="admin-meetings">
        <h2 id="admin-meetings">{t('admin.meetings')}</h2>
        {meetings.state === 'failed' && <Failed message={meetings.message} />}
        {meetings.state === 'ready' && meetings.value.length === 0 && (
          <p>{t('admin.noMeetings')}</p>
        )}
        {meetings.state === 'ready' && (
          <ul class="admin__list">
            {meetings.value.map((m: MeetingRecord) => (
              <li key={m.id} data-testid="admin-meeting" data-room={m.room}>
                <strong>{m.room}</strong>
                <span class="admin__meta">
                  {formatDate(new Date(m.startedAt), { dateStyle: 'medium', timeStyle: 'short' })}
                  {' · '}
                  {m.endedAt
                    ? t('admin.duration', {
                        minutes: Math.max(
                          1,
                          Math.round(
                            (new Date(m.endedAt).getTime() - new Date(m.startedAt).getTime()) /
                              60_000,
                          ),
                        ),
                      })
                    : t('admin.live')}
                  {' · '}
                  {t('admin.peak', { count: m.peakParticipants })}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
