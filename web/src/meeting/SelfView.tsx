// Our own camera preview (mirrored, muted). Deliberately not a "tile" for tests.
import type { MeetingRoleName } from '../../../signaling/protocol/index.js';
import { t } from '../i18n/index.js';
import type { SourceState } from '../media/session.js';
import { TrackVideo } from './media.js';
import { RoleBadges } from '../participants/RoleBadges.js';
import type { ShownReaction } from '../social/reactions.js';
import { HandBadge, ReactionOverlay } from '../social/TileBadges.js';
import { CameraOff, MicMuted } from './Tile.js';

export interface SelfViewProps {
  displayName: string;
  camera: MediaStreamTrack | undefined;
  cameraState: SourceState;
  micState: SourceState;
  role: MeetingRoleName;
  hand: number | undefined;
  reaction: ShownReaction | undefined;
  speaking: boolean;
}

export function SelfView(props: SelfViewProps) {
  const { displayName, camera, cameraState, micState, role, hand, reaction, speaking } = props;
  return (
    <div
      class={`tile tile--self${speaking ? ' tile--speaking' : ''}`}
      data-testid="self-view"
      data-role={role}
      data-hand={hand}
      data-speaking={speaking ? 'true' : 'false'}
    >
      <TrackVideo track={camera} testId="local-video" class="tile__video tile__video--mirror" />
      {cameraState !== 'on' && <CameraOff name={displayName} />}
      <div class="tile__label">
        {micState !== 'on' && <MicMuted />}
        <span class="tile__name">
          {displayName} ({t('meeting.you')})
        </span>
        <RoleBadges role={role} guest={false} />
      </div>
      {hand !== undefined && <HandBadge position={hand} />}
      {reaction && <ReactionOverlay key={reaction.id} reaction={reaction.reaction} />}
    </div>
  );
}
