// Which screen is up: start page, bad room, join form, meeting, or "you left".
import { useEffect, useState } from 'preact/hooks';
import { JoinScreen } from './join/JoinScreen.js';
import { loadName, saveName } from './lib/savedName.js';
import { Meeting } from './meeting/Meeting.js';
import { createRoomSession, type RoomSession } from './meeting/room.js';
import { parseRoute } from './routing.js';
import { HomeScreen } from './screens/HomeScreen.js';
import { LeftScreen } from './screens/LeftScreen.js';
import { RoomErrorScreen } from './screens/RoomErrorScreen.js';
import type { SignalingError } from './signaling/client.js';

type Screen =
  | { kind: 'join'; busy: boolean; error?: SignalingError }
  | { kind: 'meeting'; session: RoomSession }
  | { kind: 'left' };

export function App({ pathname }: { pathname: string }) {
  const route = parseRoute(pathname);
  if (route.kind === 'home') return <HomeScreen />;
  if (route.kind === 'invalidRoom') return <RoomErrorScreen />;
  return <Room room={route.room} />;
}

function Room({ room }: { room: string }) {
  const [screen, setScreen] = useState<Screen>({ kind: 'join', busy: false });
  const [name, setName] = useState(loadName);

  async function join(displayName: string) {
    setName(displayName);
    saveName(displayName);
    setScreen({ kind: 'join', busy: true });
    const session = createRoomSession({ room, displayName });
    try {
      await session.join();
      setScreen({ kind: 'meeting', session });
    } catch (error) {
      setScreen({ kind: 'join', busy: false, error: error as SignalingError });
    }
  }

  // A meeting that fails for good (say, the server was upgraded) goes back
  // to the join form with the reason.
  const session = screen.kind === 'meeting' ? screen.session : undefined;
  useEffect(() => {
    if (!session) return;
    return session.store.subscribe(({ phase, error }) => {
      if (phase === 'failed') setScreen({ kind: 'join', busy: false, error });
    });
  }, [session]);

  // Leaving the page leaves the meeting at once instead of after a timeout.
  useEffect(() => {
    if (!session) return;
    const onPageHide = () => session.close();
    addEventListener('pagehide', onPageHide);
    return () => removeEventListener('pagehide', onPageHide);
  }, [session]);

  switch (screen.kind) {
    case 'join':
      return (
        <JoinScreen
          room={room}
          initialName={name}
          busy={screen.busy}
          error={screen.error}
          onJoin={(displayName) => void join(displayName)}
        />
      );
    case 'meeting':
      return (
        <Meeting
          session={screen.session}
          onLeave={() => {
            void screen.session.leave();
            setScreen({ kind: 'left' });
          }}
        />
      );
    case 'left':
      return <LeftScreen room={room} onRejoin={() => void join(name)} />;
  }
}
