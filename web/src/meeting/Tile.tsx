// One remote participant: camera video (or a placeholder), name, mic state,
// a hidden audio element for their microphone, whether they are speaking,
// whether their connection is being restored, and a pin button. In audio
// only their camera shows as not received.
import type { ComponentChildren } from 'preact';
import { t } from '../i18n/index.js';
import { RoleBadges } from '../participants/RoleBadges.js';
import type { ShownReaction } from '../social/reactions.js';
import { HandBadge, ReactionOverlay } from '../social/TileBadges.js';
import { CameraOffIcon, EyeOffIcon, MicOffIcon } from './icons.js';
import { TrackAudio, TrackVideo } from './media.js';
import { isLive, type RemotePeer } from './peers.js';
import { PinButton } from './PinButton.js';
import { QualityBadge } from './QualityBadge.js';
import { useLayer } from './useLayer.js';
import { useQuality } from './useQuality.js';

export interface PeerTracks {
  audio?: MediaStreamTrack;
  video?: MediaStreamTrack;
  videoConsumerId?: string;
  audioConsumerId?: string;
  screen?: MediaStreamTrack;
  /** The sound of their shared tab or screen, where the browser shares it. */
  screenAudio?: MediaStreamTrack;
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[1]] : [words[0]];
  return letters
    .map((word) => [...(word ?? '')][0] ?? '')
    .join('')
    .toUpperCase();
}

/** Their initials over the whole tile, with a line of text under them. */
function Placeholder(props: {
  name: string;
  testId: string;
  modifier?: string;
  children: ComponentChildren;
}) {
  const { name, testId, modifier, children } = props;
  return (
    <div
      class={`tile__placeholder${modifier ? ` tile__placeholder--${modifier}` : ''}`}
      data-testid={testId}
    >
      <span class="tile__avatar" aria-hidden="true">
        {initials(name)}
      </span>
      {children}
    </div>
  );
}

/** The initials with an icon and a short text: why there is no picture. */
function NoPicture(props: { name: string; testId: string; icon: ComponentChildren; text: string }) {
  return (
    <Placeholder name={props.name} testId={props.testId}>
      <span class="tile__placeholder-text">
        {props.icon}
        {props.text}
      </span>
    </Placeholder>
  );
}

export const CameraOff = ({ name }: { name: string }) => (
  <NoPicture
    name={name}
    testId="camera-off"
    icon={<CameraOffIcon />}
    text={t('meeting.cameraOff')}
  />
);

export function MicMuted() {
  return (
    <span
      class="tile__muted"
      data-testid="mic-muted"
      role="img"
      aria-label={t('meeting.micMuted')}
      title={t('meeting.micMuted')}
    >
      <MicOffIcon />
    </span>
  );
}

/**
 * Over the whole tile while their connection is down: they are still in the
 * room (in place of the camera-off placeholder, since their media is gone).
 */
export function Reconnecting({ name }: { name: string }) {
  return (
    <Placeholder name={name} testId="tile-reconnecting" modifier="reconnecting">
      <span class="tile__reconnecting-text">{t('meeting.peerReconnecting')}</span>
    </Placeholder>
  );
}

/** Their camera is on, but we chose audio only. */
const VideoHidden = ({ name }: { name: string }) => (
  <NoPicture
    name={name}
    testId="video-hidden"
    icon={<EyeOffIcon />}
    text={t('meeting.videoHidden')}
  />
);

export interface TileProps {
  peer: RemotePeer;
  tracks: PeerTracks;
  /** Place in the raised-hands queue, if their hand is up. */
  hand: number | undefined;
  reaction: ShownReaction | undefined;
  speaking: boolean;
  pinned: boolean;
  /** Shown large (speaker layout or pinned). */
  main?: boolean;
  /** Audio only: their camera is not received. */
  videoHidden?: boolean;
  onPin(pinned: boolean): void;
  onLayer(consumerId: string, spatialLayer: number): void;
  getStats(consumerId: string): Promise<RTCStatsReport | undefined>;
}

export function Tile(props: TileProps) {
  const { peer, tracks, hand, reaction, speaking, pinned, main, onPin, onLayer } = props;
  const cameraOn = isLive(peer, 'camera') && tracks.video !== undefined;
  const shown = cameraOn && !props.videoHidden;
  const micOn = isLive(peer, 'mic');
  const ref = useLayer(shown ? tracks.videoConsumerId : undefined, onLayer);
  const quality = useQuality(
    shown ? tracks.videoConsumerId : micOn ? tracks.audioConsumerId : undefined,
    props.getStats,
  );
  return (
    <div
      ref={ref}
      class={`tile${main ? ' tile--main' : ''}${speaking ? ' tile--speaking' : ''}`}
      data-testid="tile"
      data-peer-name={peer.displayName}
      data-camera={cameraOn ? 'on' : 'off'}
      data-mic={micOn ? 'on' : 'off'}
      data-role={peer.role}
      data-hand={hand}
      data-speaking={speaking ? 'true' : 'false'}
      data-quality={quality}
      data-main={main ? 'true' : undefined}
      data-reconnecting={peer.reconnecting ? 'true' : undefined}
      data-video-hidden={cameraOn && !shown ? 'true' : undefined}
    >
      <TrackVideo
        track={shown ? tracks.video : undefined}
        testId="remote-video"
        class="tile__video"
        consumerId={shown ? tracks.videoConsumerId : undefined}
      />
      {peer.reconnecting ? (
        <Reconnecting name={peer.displayName} />
      ) : !cameraOn ? (
        <CameraOff name={peer.displayName} />
      ) : (
        !shown && <VideoHidden name={peer.displayName} />
      )}
      <div class="tile__label">
        {!micOn && <MicMuted />}
        {quality && <QualityBadge quality={quality} />}
        <span class="tile__name">{peer.displayName}</span>
        <RoleBadges role={peer.role} guest={peer.guest} />
      </div>
      <PinButton pinned={pinned} onPin={onPin} />
      {hand !== undefined && <HandBadge position={hand} />}
      {reaction && <ReactionOverlay key={reaction.id} reaction={reaction.reaction} />}
      <TrackAudio track={tracks.audio} consumerId={tracks.audioConsumerId} />
    </div>
  );
}
