// The meeting's layout as a user sees it: how many tiles a page holds, who is
// shown large, which page they land on and the grid's shape.
import { describe, expect, it } from 'vitest';
import {
  computeLayout,
  DEFAULT_PAGE_SIZE,
  gridShape,
  PAGE_SIZE_CHOICES,
  PAGE_SIZE_KEY,
  pageAfterResize,
  readPageSize,
  remoteSpeaker,
  savePageSize,
  type LayoutInput,
} from '../../web/src/meeting/layout.js';
import type { RemotePeer } from '../../web/src/meeting/peers.js';

const peer = (id: string): RemotePeer => ({
  id,
  displayName: id,
  role: 'participant',
  guest: false,
  announced: true,
  reconnecting: false,
  producers: new Map(),
});
const people = (n: number) => Array.from({ length: n }, (_, i) => peer(`p${i + 1}`));
const ids = (list: readonly RemotePeer[]) => list.map((p) => p.id);
const layout = (input: Partial<LayoutInput> & { peers: RemotePeer[] }) =>
  computeLayout({
    mode: 'grid',
    pinned: undefined,
    activeSpeaker: undefined,
    page: 0,
    pageSize: DEFAULT_PAGE_SIZE,
    ...input,
  });
const storageWith = (value: string | null) => ({
  getItem: (key: string) => (key === PAGE_SIZE_KEY ? value : null),
});

describe('page size from the browser', () => {
  it('shows nine tiles a page when nothing was chosen', () => {
    expect(readPageSize(storageWith(null))).toBe(9);
    expect(readPageSize(undefined)).toBe(9);
  });

  it('honours a chosen 16 or 25 tiles a page', () => {
    expect(readPageSize(storageWith('16'))).toBe(16);
    expect(readPageSize(storageWith('25'))).toBe(25);
  });

  it('ignores nonsense (zero, fractions, words, too many) and falls back to nine', () => {
    for (const bad of ['0', '2.5', 'many', '50', '-4', '']) {
      expect(readPageSize(storageWith(bad))).toBe(9);
    }
  });
});

describe('grid pages', () => {
  it('ten people with nine a page: the first page shows nine, the second the tenth', () => {
    const peers = people(10);
    const first = layout({ peers });
    expect(first.pages).toBe(2);
    expect(ids(first.tiles)).toEqual(ids(peers.slice(0, 9)));
    const second = layout({ peers, page: 1 });
    expect(ids(second.tiles)).toEqual(['p10']);
    // Whoever is off the page is off screen (their camera is paused on the server).
    expect(second.onScreen.has('p1')).toBe(false);
    expect(second.onScreen.has('p10')).toBe(true);
  });

  it('when people leave and the page no longer exists, the last page is shown', () => {
    const result = layout({ peers: people(3), page: 5 });
    expect(result.page).toBe(0);
    expect(ids(result.tiles)).toEqual(['p1', 'p2', 'p3']);
    expect(layout({ peers: people(3), page: -2 }).page).toBe(0);
  });

  it('alone in the room there is one empty page', () => {
    const result = layout({ peers: [] });
    expect(result).toMatchObject({ pages: 1, page: 0, tiles: [], main: undefined });
  });
});

describe('speaker view and pinning', () => {
  it('the active speaker is shown large and not repeated among the small tiles', () => {
    const result = layout({ peers: people(4), mode: 'speaker', activeSpeaker: 'p3' });
    expect(result.main?.id).toBe('p3');
    expect(ids(result.tiles)).toEqual(['p1', 'p2', 'p4']);
    expect(result.onScreen.has('p3')).toBe(true);
  });

  it('before anyone speaks, the first participant is shown large', () => {
    expect(layout({ peers: people(3), mode: 'speaker' }).main?.id).toBe('p1');
  });

  it('a pinned person stays large even when someone else speaks, in either view', () => {
    for (const mode of ['grid', 'speaker'] as const) {
      const result = layout({ peers: people(4), mode, pinned: 'p4', activeSpeaker: 'p2' });
      expect(result.main?.id).toBe('p4');
      expect(ids(result.tiles)).not.toContain('p4');
    }
  });

  it('while we talk ourselves, the one who spoke before us stays large', () => {
    const peers = people(3);
    let shown = remoteSpeaker(undefined, 'p2', peers);
    expect(shown).toBe('p2');
    // The server names us (not in the remote list): p2 stays.
    shown = remoteSpeaker(shown, 'self', peers);
    expect(shown).toBe('p2');
    expect(layout({ peers, mode: 'speaker', activeSpeaker: shown }).main?.id).toBe('p2');
    // p2 leaves while we talk: back to the first participant.
    shown = remoteSpeaker(
      shown,
      'self',
      peers.filter((p) => p.id !== 'p2'),
    );
    expect(shown).toBeUndefined();
    expect(remoteSpeaker(shown, 'p3', peers)).toBe('p3');
  });

  it('a pin on someone who left is ignored', () => {
    expect(layout({ peers: people(2), pinned: 'gone' }).main).toBeUndefined();
  });

  it('the large tile stays on screen while paging through the others', () => {
    const result = layout({ peers: people(5), pinned: 'p1', pageSize: 2, page: 1 });
    expect(ids(result.tiles)).toEqual(['p4', 'p5']);
    expect([...result.onScreen].sort()).toEqual(['p1', 'p4', 'p5']);
  });
});

describe('grid shape', () => {
  it('arranges tiles roughly square', () => {
    expect(gridShape(1)).toEqual({ cols: 1, rows: 1 });
    expect(gridShape(2)).toEqual({ cols: 2, rows: 1 });
    expect(gridShape(4)).toEqual({ cols: 2, rows: 2 });
    expect(gridShape(5)).toEqual({ cols: 3, rows: 2 });
    expect(gridShape(9)).toEqual({ cols: 3, rows: 3 });
    expect(gridShape(10)).toEqual({ cols: 4, rows: 3 });
    expect(gridShape(0)).toEqual({ cols: 1, rows: 1 });
  });
});

describe('changing the page size', () => {
  it('keeps the first tile of the page in view', () => {
    // On page 3 of 4-tile pages the first tile is the 9th; with 9 a page it is on page 1.
    expect(pageAfterResize(2, 4, 9)).toBe(0);
    expect(pageAfterResize(3, 4, 9)).toBe(1);
    expect(pageAfterResize(1, 25, 4)).toBe(6);
    expect(pageAfterResize(0, 9, 16)).toBe(0);
  });

  it('remembers the choice so the next meeting uses it', () => {
    const stored = new Map<string, string>();
    const storage = {
      setItem: (k: string, v: string) => void stored.set(k, v),
      getItem: (k: string) => stored.get(k) ?? null,
    };
    savePageSize(storage, 16);
    expect(readPageSize(storage)).toBe(16);
    expect(PAGE_SIZE_CHOICES).toEqual([4, 9, 16, 25]);
  });

  it('a browser that refuses storage still works', () => {
    const refusing = {
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(() => savePageSize(refusing, 4)).not.toThrow();
  });
});
