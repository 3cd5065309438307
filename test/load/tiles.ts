// What a bot shows, as the web client's grid does: the first `pageSize`
// remote participants are tiles on the page, laid out in a square-ish grid
// across the window; a tile's camera is received at the simulcast layer its
// width asks for (the client's own rule), and everyone off the page has their
// camera paused on the server. Audio is always received.
import { layerForWidth } from '../../web/src/media/simulcast.js';

export interface TileView {
  /** The participant's tile is on the page (their camera is received). */
  visible: boolean;
  /** The simulcast layer their camera is asked for, when visible. */
  layer: number;
}

export interface TileOptions {
  /** Remote tiles per page (the client's default is 9). */
  pageSize: number;
  /** The meeting area's width in CSS pixels. */
  windowWidth: number;
}

/** Each remote participant's view, in roster order (the page shows the first ones). */
export function tileViews(peers: readonly string[], options: TileOptions): Map<string, TileView> {
  const onPage = Math.min(options.pageSize, peers.length);
  const columns = Math.max(1, Math.ceil(Math.sqrt(onPage)));
  const layer = layerForWidth(Math.floor(options.windowWidth / columns));
  return new Map(peers.map((peer, i) => [peer, { visible: i < onPage, layer }]));
}
