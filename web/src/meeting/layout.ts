// Which participants the meeting shows and how: pure functions from the
// roster, the layout the user picked, the pinned and the active speaker.
// Whoever is not returned is off screen, and their camera is paused on the
// server.
import type { RemotePeer } from './peers.js';

export type LayoutMode = 'grid' | 'speaker';

export const DEFAULT_PAGE_SIZE = 9;
/** localStorage key: how many remote tiles a page holds (1–49). */
export const PAGE_SIZE_KEY = 'veche.pageSize';

export function readPageSize(storage: Pick<Storage, 'getItem'> | undefined): number {
  const raw = Number(storage?.getItem(PAGE_SIZE_KEY));
  return Number.isInteger(raw) && raw >= 1 && raw <= 49 ? raw : DEFAULT_PAGE_SIZE;
}

/** The sizes the page-size picker offers. */
export const PAGE_SIZE_CHOICES: readonly number[] = [4, 9, 16, 25];

/** Remembers the chosen page size (when storage is available). */
export function savePageSize(storage: Pick<Storage, 'setItem'> | undefined, size: number): void {
  try {
    storage?.setItem(PAGE_SIZE_KEY, String(size));
  } catch {
    // Private mode or storage off: the choice lasts for this page only.
  }
}

/** The page that keeps the first tile of the current page in view after a resize. */
export function pageAfterResize(page: number, oldSize: number, newSize: number): number {
  return Math.floor((Math.max(0, page) * oldSize) / newSize);
}

/**
 * The participant the speaker layout follows: the active speaker when that is
 * someone else; while we talk ourselves (the server names us then), whoever
 * spoke before us, as long as they are still here.
 */
export function remoteSpeaker(
  previous: string | undefined,
  active: string | undefined,
  peers: readonly RemotePeer[],
): string | undefined {
  const here = (id: string | undefined) => id !== undefined && peers.some((p) => p.id === id);
  if (here(active)) return active;
  return here(previous) ? previous : undefined;
}

export interface LayoutInput {
  peers: readonly RemotePeer[];
  mode: LayoutMode;
  pinned: string | undefined;
  activeSpeaker: string | undefined;
  page: number;
  pageSize: number;
}

export interface Layout {
  /** Shown large (speaker layout, or whoever is pinned). */
  main: RemotePeer | undefined;
  /** The current page of the others. */
  tiles: RemotePeer[];
  /** The page actually shown (clamped) and how many there are. */
  page: number;
  pages: number;
  onScreen: ReadonlySet<string>;
}

function mainPeer(input: LayoutInput): RemotePeer | undefined {
  const byId = (id: string | undefined) => input.peers.find((p) => p.id === id);
  const pinned = byId(input.pinned);
  if (pinned) return pinned;
  if (input.mode !== 'speaker') return undefined;
  return byId(input.activeSpeaker) ?? input.peers[0];
}

export function computeLayout(input: LayoutInput): Layout {
  const main = mainPeer(input);
  const rest = main ? input.peers.filter((p) => p !== main) : [...input.peers];
  const pages = Math.max(1, Math.ceil(rest.length / input.pageSize));
  const page = Math.min(Math.max(0, input.page), pages - 1);
  const tiles = rest.slice(page * input.pageSize, (page + 1) * input.pageSize);
  const onScreen = new Set(tiles.map((p) => p.id));
  if (main) onScreen.add(main.id);
  return { main, tiles, page, pages, onScreen };
}

/** Columns and rows for n equal tiles, roughly square overall. */
export function gridShape(n: number): { cols: number; rows: number } {
  const cols = Math.max(1, Math.ceil(Math.sqrt(n)));
  return { cols, rows: Math.max(1, Math.ceil(n / cols)) };
}
