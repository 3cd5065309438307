// One remote participant: camera video (or a placeholder), name, mic state,
// and a hidden audio element for their microphone.
import { t } from '../i18n/index.js';
import { CameraOffIcon, MicOffIcon } from './icons.js';
import { TrackAudio, TrackVideo } from './media.js';
import { isLive, type RemotePeer } from './peers.js';

export interface PeerTracks {
  audio?: MediaStreamTrack;
  video?: MediaStreamTrack;
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[1]] : [words[0]];
  return letters
    .map((word) => [...(word ?? '')][0] ?? '')
    .join('')
    .toUpperCase();
}

export function CameraOff({ name }: { name: string }) {
  return (
    <div class="tile__placeholder" data-testid="camera-off">
      <span class="tile__avatar" aria-hidden="true">
        {initials(name)}
      </span>
      <span class="tile__placeholder-text">
        <CameraOffIcon />
        {t('meeting.cameraOff')}
      </span>
    </div>
  );
}

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

export function Tile({ peer, tracks }: { peer: RemotePeer; tracks: PeerTracks }) {
  const cameraOn = isLive(peer, 'camera') && tracks.video !== undefined;
  const micOn = isLive(peer, 'mic');
  return (
    <div
      class="tile"
      data-testid="tile"
      data-peer-name={peer.displayName}
      data-camera={cameraOn ? 'on' : 'off'}
      data-mic={micOn ? 'on' : 'off'}
    >
      <TrackVideo track={tracks.video} testId="remote-video" class="tile__video" />
      {!cameraOn && <CameraOff name={peer.displayName} />}
      <div class="tile__label">
        {!micOn && <MicMuted />}
        <span class="tile__name">{peer.displayName}</span>
      </div>
      <TrackAudio track={tracks.audio} />
    </div>
  );
}
