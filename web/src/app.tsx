// Which screen is up: start page, bad room, join form, lobby, meeting, or
// one of the ways a visit ends (left, turned away, removed); the bookings
// calendar and the admin dashboard are loaded on demand.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Announcer } from './a11y/Announcer.js';
import { nameFromCredentials } from './auth/claims.js';
import { handshakeAuth, type CredentialStore } from './auth/credentials.js';
import { LanguageSwitch } from './i18n/LanguageSwitch.js';
import { t } from './i18n/index.js';
import { JoinScreen } from './join/JoinScreen.js';
import { createPrejoinMedia } from './join/prejoinMedia.js';
import { applyStartChoice } from './join/startChoice.js';
import { loadName, saveName } from './lib/savedName.js';
import { AudioOutputContext, createAudioOutput } from './media/audioOutput.js';
import { useStore } from './lib/store.js';
import { LobbyDenied } from './lobby/LobbyDenied.js';
import { LobbyWaiting } from './lobby/LobbyWaiting.js';
import { Meeting } from './meeting/Meeting.js';
import { createRoomSession, type RoomSession, type RoomState } from './meeting/room.js';
import type { RemovedReason } from './meeting/roomState.js';
import { SessionContext } from './meeting/sessionContext.js';
import { parseRoute } from './routing.js';
import { HomeScreen } from './screens/HomeScreen.js';
import { LeftScreen } from './screens/LeftScreen.js';
import { RemovedScreen } from './screens/RemovedScreen.js';
import { RoomErrorScreen } from './screens/RoomErrorScreen.js';
import { connectSignaling, type SignalingError } from './signaling/client.js';

type Screen =
  | { kind: 'join'; busy: boolean; error?: SignalingError }
  | { kind: 'session'; session: RoomSession }
  | { kind: 'left' }
  | { kind: 'denied' }
  | { kind: 'removed'; reason: RemovedReason };

export interface AppProps {
  pathname: string;
  credentials: CredentialStore;
}

const loadBookings = () => import('./bookings/BookingsScreen.js').then((m) => m.BookingsScreen);
const loadAdmin = () => import('./admin/AdminScreen.js').then((m) => m.AdminScreen);

/** A screen in its own chunk: fetched on first use, "loading" until then. */
function Lazy<P extends object>({
  load,
  props,
}: {
  load: () => Promise<ComponentType<P>>;
  props: P;
}) {
  const [Screen, setScreen] = useState<ComponentType<P> | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    load().then(
      (component) => setScreen(() => component),
      (error: unknown) => {
        console.error('loading a screen failed', error);
        setFailed(true);
      },
    );
  }, [load]);
  if (Screen) return <Screen {...props} />;
  return (
    <main class="screen" aria-busy={!failed}>
      <p role="status">{failed ? t('app.loadFailed') : t('bookings.loading')}</p>
    </main>
  );
}

export function App({ pathname, credentials }: AppProps) {
  // Where sound plays: chosen on the join screen or in the meeting, remembered.
  const [output] = useState(() => createAudioOutput());
  return (
    <AudioOutputContext.Provider value={output}>
      <Page pathname={pathname} credentials={credentials} />
      <LanguageSwitch />
    </AudioOutputContext.Provider>
  );
}

function Page({ pathname, credentials }: AppProps) {
  const route = parseRoute(pathname);
  switch (route.kind) {
    case 'home':
      return <HomeScreen />;
    case 'invalidRoom':
      return <RoomErrorScreen />;
    case 'bookings':
      return <Lazy load={loadBookings} props={{ credentials }} />;
    case 'admin':
      return <Lazy load={loadAdmin} props={{ credentials }} />;
    case 'room':
      return <Room room={route.room} credentials={credentials} />;
  }
}

const needsPasscode = (error: SignalingError | undefined): boolean =>
  error?.code === 'PASSCODE_REQUIRED' || error?.code === 'PASSCODE_INVALID';

function Room({ room, credentials }: { room: string; credentials: CredentialStore }) {
  const [screen, setScreen] = useState<Screen>({ kind: 'join', busy: false });
  const [name, setName] = useState(loadName);
  const [passcode, setPasscode] = useState<string | undefined>(undefined);
  const identity = useStore(credentials);
  const fixedName = nameFromCredentials(identity);
  const [prejoin] = useState(createPrejoinMedia);
  useEffect(() => () => prejoin.close(), [prejoin]);

  async function join(displayName: string, code: string | undefined) {
    setName(displayName);
    saveName(displayName);
    setPasscode(code);
    setScreen({ kind: 'join', busy: true });
    const session = createRoomSession({
      room,
      displayName,
      // Read at every (re)connection: a token renewed by the workspace is used.
      connect: () => connectSignaling(() => handshakeAuth(credentials.get())),
      // The tracks the join screen already shows (asked again after leaving).
      acquireTracks: () => prejoin.take(),
    });
    applyStartChoice(session, prejoin.store.get().enabled);
    try {
      await session.join(code);
      setScreen({ kind: 'session', session });
    } catch (error) {
      setScreen({ kind: 'join', busy: false, error: error as SignalingError });
    }
  }

  // A visit that ends on the server's side: failed for good (back to the
  // join form with the reason), turned away, or removed.
  const session = screen.kind === 'session' ? screen.session : undefined;
  useEffect(() => {
    if (!session) return;
    const follow = ({ phase, error, removedReason }: RoomState) => {
      if (phase === 'failed') setScreen({ kind: 'join', busy: false, error });
      else if (phase === 'denied') setScreen({ kind: 'denied' });
      else if (phase === 'removed')
        setScreen({ kind: 'removed', reason: removedReason ?? 'removed' });
    };
    follow(session.store.get());
    return session.store.subscribe(follow);
  }, [session]);

  // Leaving the page leaves the meeting at once instead of after a timeout.
  useEffect(() => {
    if (!session) return;
    const onPageHide = () => session.close();
    addEventListener('pagehide', onPageHide);
    return () => removeEventListener('pagehide', onPageHide);
  }, [session]);

  const leave = (left: RoomSession) => {
    void left.leave();
    setScreen({ kind: 'left' });
  };

  switch (screen.kind) {
    case 'join':
      return (
        <JoinScreen
          room={room}
          initialName={fixedName ?? name}
          fixedName={fixedName}
          signedIn={identity.kind !== 'none'}
          busy={screen.busy}
          error={screen.error}
          askPasscode={needsPasscode(screen.error)}
          onJoin={(displayName, code) => void join(displayName, code)}
          prejoin={prejoin}
        />
      );
    case 'session':
      return <SessionView session={screen.session} onLeave={() => leave(screen.session)} />;
    case 'left':
      return <LeftScreen room={room} onRejoin={() => void join(name, passcode)} />;
    case 'denied':
      return <LobbyDenied room={room} />;
    case 'removed':
      return <RemovedScreen room={room} reason={screen.reason} />;
  }
}

/** In the lobby or in the meeting (the session's phase says which). */
function SessionView({ session, onLeave }: { session: RoomSession; onLeave(): void }) {
  const { phase } = useStore(session.store);
  return (
    <SessionContext.Provider value={session}>
      {phase === 'lobby' ? <LobbyWaiting onLeave={onLeave} /> : <Meeting onLeave={onLeave} />}
      <Announcer />
    </SessionContext.Provider>
  );
}
