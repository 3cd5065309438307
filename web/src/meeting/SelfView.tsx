// Our own camera preview (mirrored, muted). Deliberately not a "tile" for tests.
import { t } from '../i18n/index.js';
import type { SourceState } from '../media/session.js';
import { TrackVideo } from './media.js';
import { CameraOff, MicMuted } from './Tile.js';

export interface SelfViewProps {
  displayName: string;
  camera: MediaStreamTrack | undefined;
  cameraState: SourceState;
  micState: SourceState;
}

export function SelfView({ displayName, camera, cameraState, micState }: SelfViewProps) {
  return (
    <div class="tile tile--self" data-testid="self-view">
      <TrackVideo track={camera} testId="local-video" class="tile__video tile__video--mirror" />
      {cameraState !== 'on' && <CameraOff name={displayName} />}
      <div class="tile__label">
        {micState !== 'on' && <MicMuted />}
        <span class="tile__name">
          {displayName} ({t('meeting.you')})
        </span>
      </div>
    </div>
  );
}
