// The layout the user picked (grid or speaker, pin, page, audio only) and
// what follows from it for the media: participants off screen, or everyone's
// in audio only, have their camera paused on the server.
import { useEffect, useRef, useState } from 'preact/hooks';
import { browserStorage } from '../lib/browserStorage.js';
import type { MediaSession } from '../media/session.js';
import {
  computeLayout,
  pageAfterResize,
  readPageSize,
  remoteSpeaker,
  savePageSize,
  type Layout,
  type LayoutMode,
} from './layout.js';
import type { RemotePeer } from './peers.js';

export interface LayoutControls {
  layout: Layout;
  mode: LayoutMode;
  pinned: string | undefined;
  toggleMode(): void;
  pin(peerId: string | undefined): void;
  setPage(page: number): void;
  pageSize: number;
  /** Tiles per page; remembered in this browser. */
  setPageSize(size: number): void;
  /** Whether participants' cameras come in (off: audio only, to save the link). */
  incomingVideo: boolean;
  toggleIncomingVideo(): void;
}

export function useLayout(
  peers: readonly RemotePeer[],
  activeSpeaker: string | undefined,
  media: MediaSession,
): LayoutControls {
  const [mode, setMode] = useState<LayoutMode>('grid');
  const [pinned, setPinned] = useState<string | undefined>(undefined);
  const [page, setPage] = useState(0);
  const [pageSize, setPageSizeState] = useState(() => readPageSize(browserStorage()));
  const [incomingVideo, setIncomingVideo] = useState(true);
  const speaker = useRef<string | undefined>(undefined);
  speaker.current = remoteSpeaker(speaker.current, activeSpeaker, peers);
  const layout = computeLayout({
    peers,
    mode,
    pinned,
    activeSpeaker: speaker.current,
    page,
    pageSize,
  });

  // Audio only: every camera is paused on the server, as if off screen.
  const offscreen = peers
    .filter((p) => !incomingVideo || !layout.onScreen.has(p.id))
    .map((p) => p.id);
  const key = JSON.stringify(offscreen);
  useEffect(() => {
    media.setOffscreen(new Set(JSON.parse(key) as string[]));
  }, [key, media]);

  return {
    layout,
    mode,
    pinned,
    toggleMode: () => setMode(mode === 'grid' ? 'speaker' : 'grid'),
    pin: setPinned,
    setPage,
    pageSize,
    setPageSize: (size: number) => {
      if (size === pageSize) return;
      savePageSize(browserStorage(), size);
      setPage(pageAfterResize(layout.page, pageSize, size));
      setPageSizeState(size);
    },
    incomingVideo,
    toggleIncomingVideo: () => setIncomingVideo(!incomingVideo),
  };
}
