// Beside the join form: the camera preview, the microphone's level, device
// pickers (speakers too, where the browser can choose), a speaker test and
// whether to start with the mic or camera off.
// Nothing here stands between the name field and the join button.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, type MessageKey } from '../i18n/index.js';
import { useStore } from '../lib/store.js';
import { CameraIcon, CameraOffIcon, MicIcon, MicOffIcon } from '../meeting/icons.js';
import { TrackVideo } from '../meeting/media.js';
import { shownSpeaker, useAudioOutput, useSpeakerDevice } from '../media/audioOutput.js';
import { playTestTone, watchLevel } from './audio.js';
import { RelaySwitch } from './RelaySwitch.js';
import type { DeviceProblem, PrejoinMedia, PrejoinState, Source } from './prejoinMedia.js';

function MicLevel({ track }: { track: MediaStreamTrack | undefined }) {
  const ref = useRef<HTMLMeterElement>(null);
  useEffect(() => {
    const meter = ref.current;
    if (!track || !meter) return;
    // Updated outside rendering: 60 times a second would re-render the form.
    return watchLevel(track, (level) => {
      meter.value = level;
      meter.dataset['level'] = level.toFixed(3);
    });
  }, [track]);
  return (
    <meter
      ref={ref}
      class="prejoin__meter"
      data-testid="mic-level"
      min={0}
      max={1}
      low={0.6}
      high={0.9}
      optimum={0.3}
      value={0}
      aria-label={t('prejoin.micLevel')}
    />
  );
}

function DeviceSelect(props: {
  testId: string;
  label: MessageKey;
  devices: readonly MediaDeviceInfo[];
  value: string | undefined;
  disabled: boolean;
  onChange(deviceId: string): void;
}) {
  return (
    <label class="field prejoin__device">
      <span class="field__label">{t(props.label)}</span>
      <select
        class="input input--small"
        data-testid={props.testId}
        value={props.value ?? ''}
        disabled={props.disabled || props.devices.length === 0}
        onChange={(event) => props.onChange(event.currentTarget.value)}
      >
        {props.devices.length === 0 && <option value="">{t('prejoin.defaultDevice')}</option>}
        {props.devices.map((device, i) => (
          <option key={device.deviceId} value={device.deviceId}>
            {device.label || `${t(props.label)} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}

const problemText: Record<DeviceProblem, MessageKey> = {
  denied: 'prejoin.denied',
  missing: 'prejoin.noDevices',
  unsupported: 'prejoin.unsupported',
};

/** One message for what is missing, or nothing. */
function problemMessage({ problem, status }: PrejoinState): MessageKey | undefined {
  if (status !== 'ready') return undefined;
  const { mic, camera } = problem;
  if (mic === 'denied' || camera === 'denied') return 'prejoin.denied';
  if (mic && camera) return problemText[mic];
  if (camera) return 'prejoin.noCamera';
  if (mic) return 'prejoin.noMic';
  return undefined;
}

function SourceToggle(props: {
  source: Source;
  on: boolean;
  available: boolean;
  disabled: boolean;
  onToggle(): void;
}) {
  const { source, on, available } = props;
  const isMic = source === 'mic';
  const label = isMic
    ? t(on ? 'prejoin.micOn' : 'prejoin.micOff')
    : t(on ? 'prejoin.camOn' : 'prejoin.camOff');
  const Icon = isMic ? (on ? MicIcon : MicOffIcon) : on ? CameraIcon : CameraOffIcon;
  return (
    <button
      type="button"
      class={`button button--small prejoin__toggle${on ? '' : ' prejoin__toggle--off'}`}
      data-testid={isMic ? 'prejoin-mic-toggle' : 'prejoin-cam-toggle'}
      aria-pressed={on && available}
      disabled={props.disabled || !available}
      onClick={props.onToggle}
    >
      <Icon />
      <span>{label}</span>
    </button>
  );
}

export function PrejoinPanel({ media, disabled }: { media: PrejoinMedia; disabled: boolean }) {
  const state = useStore(media.store);
  const [playing, setPlaying] = useState(false);
  const output = useAudioOutput();
  const speaker = useSpeakerDevice();
  const { tracks, enabled, status } = state;
  const message = problemMessage(state);
  const camera = tracks.camera?.readyState === 'live' ? tracks.camera : undefined;
  const mic = tracks.mic?.readyState === 'live' ? tracks.mic : undefined;
  const cameraShown = camera && enabled.camera;
  // Turned off here: its track is stopped, but turning it on asks for it again.
  const cameraOffByChoice = !enabled.camera && status === 'ready' && !state.problem.camera;

  return (
    <section class="prejoin" aria-label={t('prejoin.preview')}>
      <div class="prejoin__stage">
        <TrackVideo
          track={cameraShown ? camera : undefined}
          testId="prejoin-preview"
          class="prejoin__video"
        />
        {!cameraShown && (
          <p class="prejoin__placeholder">
            {status === 'checking' ? t('prejoin.checking') : t('prejoin.cameraOff')}
          </p>
        )}
      </div>
      {message && (
        <p
          class="prejoin__problem"
          role="status"
          data-testid="prejoin-problem"
          data-problem={message.slice('prejoin.'.length)}
        >
          {t(message)}
        </p>
      )}
      <div class="prejoin__row">
        <SourceToggle
          source="mic"
          on={enabled.mic}
          available={mic !== undefined}
          disabled={disabled}
          onToggle={() => media.setEnabled('mic', !enabled.mic)}
        />
        <SourceToggle
          source="camera"
          on={enabled.camera}
          available={camera !== undefined || cameraOffByChoice}
          disabled={disabled}
          onToggle={() => media.setEnabled('camera', !enabled.camera)}
        />
      </div>
      <div class="prejoin__row prejoin__row--level">
        <MicLevel track={enabled.mic ? mic : undefined} />
        <button
          type="button"
          class="button button--small"
          data-testid="speaker-test"
          disabled={playing}
          onClick={() => {
            setPlaying(true);
            void playTestTone(speaker).finally(() => setPlaying(false));
          }}
        >
          {playing ? t('prejoin.speakerPlaying') : t('prejoin.speakerTest')}
        </button>
      </div>
      <DeviceSelect
        testId="prejoin-mic-select"
        label="prejoin.micSelect"
        devices={state.mics}
        value={state.micId}
        disabled={disabled}
        onChange={(id) => void media.select('mic', id)}
      />
      <DeviceSelect
        testId="prejoin-cam-select"
        label="prejoin.camSelect"
        devices={state.cameras}
        value={state.cameraId}
        disabled={disabled}
        onChange={(id) => void media.select('camera', id)}
      />
      {output?.supported && state.speakers.length > 1 && (
        <DeviceSelect
          testId="prejoin-speaker-select"
          label="prejoin.speakerSelect"
          devices={state.speakers}
          value={shownSpeaker(state.speakers, speaker)}
          disabled={false}
          onChange={(id) => output.select(id)}
        />
      )}
      <RelaySwitch />
    </section>
  );
}
