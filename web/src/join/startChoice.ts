// Joining with the microphone or camera off: the meeting starts every source
// on, so once its tracks arrive (before any producer exists, since the
// pre-join tracks are ready at once) the sources the user switched off are
// turned off the same way the meeting's own toggles do it.
import type { RoomSession } from '../meeting/room.js';
import type { Source } from './prejoinMedia.js';

export function applyStartChoice(
  session: RoomSession,
  enabled: Readonly<Record<Source, boolean>>,
): void {
  const apply = () => {
    for (const source of ['mic', 'camera'] as const) {
      if (!enabled[source]) session.setEnabled(source, false);
    }
  };
  if (session.store.get().localTracks) {
    apply();
    return;
  }
  const unsubscribe = session.store.subscribe((state) => {
    if (!state.localTracks) return;
    unsubscribe();
    apply();
  });
}
