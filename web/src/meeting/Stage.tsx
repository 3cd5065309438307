// The middle of the meeting: a screen share large on top when someone shares,
// the main speaker (speaker layout or pinned) large, then the current page of
// tiles with our own preview, and the page buttons.
import type { ComponentChildren } from 'preact';
import { t } from '../i18n/index.js';
import type { ShownReaction } from '../social/reactions.js';
import { handPosition } from '../social/hands.js';
import { gridShape, type Layout } from './layout.js';
import { TrackAudio, TrackVideo } from './media.js';
import type { RemotePeer } from './peers.js';
import { Tile, type PeerTracks } from './Tile.js';
import './stage.css';

export interface ScreenShown {
  peer: RemotePeer;
  track: MediaStreamTrack;
}

export interface StageProps {
  layout: Layout;
  screen: ScreenShown | undefined;
  byPeer: ReadonlyMap<string, PeerTracks>;
  hands: readonly string[];
  reactions: ReadonlyMap<string, ShownReaction>;
  speaking: ReadonlySet<string>;
  activeSpeaker: string | undefined;
  pinned: string | undefined;
  /** Audio only: no participant's camera is received. */
  videoHidden: boolean;
  onPin(peerId: string | undefined): void;
  onLayer(consumerId: string, spatialLayer: number): void;
  getStats(consumerId: string): Promise<RTCStatsReport | undefined>;
  onPage(page: number): void;
  /** Our own preview, first in the grid. */
  self: ComponentChildren;
}

function Pager({ page, pages, onPage }: { page: number; pages: number; onPage(n: number): void }) {
  if (pages <= 1) return null;
  return (
    <div class="pager" data-testid="pager">
      <button
        type="button"
        class="pager__button"
        data-testid="page-prev"
        disabled={page === 0}
        aria-label={t('meeting.pagePrev')}
        title={t('meeting.pagePrev')}
        onClick={() => onPage(page - 1)}
      >
        ‹
      </button>
      <span class="pager__text" data-testid="page-number">
        {t('meeting.page', { page: page + 1, pages })}
      </span>
      <button
        type="button"
        class="pager__button"
        data-testid="page-next"
        disabled={page >= pages - 1}
        aria-label={t('meeting.pageNext')}
        title={t('meeting.pageNext')}
        onClick={() => onPage(page + 1)}
      >
        ›
      </button>
    </div>
  );
}

export function Stage(props: StageProps) {
  const { layout, screen, byPeer, hands, reactions, speaking, activeSpeaker, pinned } = props;
  const tile = (peer: RemotePeer, main: boolean) => (
    <Tile
      key={peer.id}
      peer={peer}
      tracks={byPeer.get(peer.id) ?? {}}
      hand={handPosition(hands, peer.id)}
      reaction={reactions.get(peer.id)}
      speaking={speaking.has(peer.id) || (main && activeSpeaker === peer.id)}
      pinned={pinned === peer.id}
      main={main}
      videoHidden={props.videoHidden}
      onPin={(on) => props.onPin(on ? peer.id : undefined)}
      onLayer={props.onLayer}
      getStats={props.getStats}
    />
  );
  const { cols, rows } = gridShape(layout.tiles.length + 1);
  // Tiles play their owner's microphone; people on other pages are heard
  // all the same, and so is the sound of any shared screen or tab.
  const onScreen = new Set([
    ...layout.tiles.map((p) => p.id),
    ...(layout.main ? [layout.main.id] : []),
  ]);
  const offPageAudio = [...byPeer].filter(([id, tracks]) => !onScreen.has(id) && tracks.audio);
  const screenAudio = [...byPeer].filter(([, tracks]) => tracks.screenAudio);
  const compact = screen !== undefined || layout.main !== undefined;
  return (
    <>
      {screen && (
        <section
          class="meeting__screen"
          aria-label={t('meeting.screenOf', { name: screen.peer.displayName })}
        >
          <TrackVideo track={screen.track} testId="screen-share" class="meeting__screen-video" />
          <span class="meeting__screen-label" data-testid="screen-share-name">
            {t('meeting.screenOf', { name: screen.peer.displayName })}
          </span>
        </section>
      )}
      {layout.main && !screen && <div class="meeting__main">{tile(layout.main, true)}</div>}
      <main
        class={`meeting__grid${compact ? ' meeting__grid--strip' : ''}`}
        style={`--cols: ${compact ? layout.tiles.length + 2 : cols}; --rows: ${compact ? 1 : rows}`}
      >
        {props.self}
        {layout.main && screen && tile(layout.main, false)}
        {layout.tiles.map((peer) => tile(peer, false))}
      </main>
      <Pager page={layout.page} pages={layout.pages} onPage={props.onPage} />
      <div hidden data-testid="background-audio">
        {offPageAudio.map(([id, tracks]) => (
          <TrackAudio key={`mic-${id}`} track={tracks.audio} consumerId={tracks.audioConsumerId} />
        ))}
        {screenAudio.map(([id, tracks]) => (
          <TrackAudio key={`screen-${id}`} track={tracks.screenAudio} />
        ))}
      </div>
    </>
  );
}
