// Which screen is up: start page, bad room, join form, lobby, meeting, or
// one of the ways a visit ends (left, turned away, removed).
import { useEffect, useState } from 'preact/hooks';
import { nameFromCredentials } from './auth/claims.js';
import { handshakeAuth, type CredentialStore } from './auth/credentials.js';
import { JoinScreen } from './join/JoinScreen.js';
import { loadName, saveName } from './lib/savedName.js';
import { useStore } from './lib/store.js';
import { LobbyDenied } from './lobby/LobbyDenied.js';
import { LobbyWaiting } from './lobby/LobbyWaiting.js';
import { Meeting } from './meeting/Meeting.js';
import { createRoomSession, type RoomSession, type RoomState } from './meeting/room.js';
import type { RemovedReason } from './meeting/roomState.js';
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

export function App({ pathname, credentials }: AppProps) {
  const route = parseRoute(pathname);
  if (route.kind === 'home') return <HomeScreen />;
  if (route.kind === 'invalidRoom') return <RoomErrorScreen />;
  return <Room room={route.room} credentials={credentials} />;
}

const needsPasscode = (error: SignalingError | undefined): boolean =>
  error?.code === 'PASSCODE_REQUIRED' || error?.code === 'PASSCODE_INVALID';

function Room({ room, credentials }: { room: string; credentials: CredentialStore }) {
  const [screen, setScreen] = useState<Screen>({ kind: 'join', busy: false });
  const [name, setName] = useState(loadName);
  const [passcode, setPasscode] = useState<string | undefined>(undefined);
  const identity = useStore(credentials);
  const fixedName = nameFromCredentials(identity);

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
    });
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
  if (phase === 'lobby') return <LobbyWaiting session={session} onLeave={onLeave} />;
  return <Meeting session={session} onLeave={onLeave} />;
}
