// Microphone, camera and speaker choice during the call; a new microphone or
// camera replaces the track under the same producer, so nobody sees us leave
// and come back.
import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../i18n/index.js';
import { shownSpeaker, useAudioOutput, useSpeakerDevice } from '../media/audioOutput.js';

function useDevices(kind: MediaDeviceKind): MediaDeviceInfo[] {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    const media = navigator.mediaDevices;
    if (!media?.enumerateDevices) return;
    let live = true;
    const refresh = () =>
      void media
        .enumerateDevices()
        .then((all) => live && setDevices(all.filter((d) => d.kind === kind && d.deviceId)))
        .catch((error: unknown) => console.warn('enumerateDevices failed', error));
    refresh();
    media.addEventListener('devicechange', refresh);
    return () => {
      live = false;
      media.removeEventListener('devicechange', refresh);
    };
  }, [kind]);
  return devices;
}

interface DeviceSelectProps {
  devices: readonly MediaDeviceInfo[];
  testId: string;
  label: MessageKey;
  current: string | undefined;
  onSelect(deviceId: string): void;
}

function DeviceSelect({ devices, testId, label, current, onSelect }: DeviceSelectProps) {
  // Before the track exists there is nothing to switch.
  if (current === undefined || devices.length === 0) return null;
  return (
    <select
      class="device-select"
      data-testid={testId}
      aria-label={t(label)}
      title={t(label)}
      value={current}
      onChange={(event) => onSelect(event.currentTarget.value)}
    >
      {devices.map((device, index) => (
        <option key={device.deviceId} value={device.deviceId}>
          {device.label || `${t(label)} ${index + 1}`}
        </option>
      ))}
    </select>
  );
}

/** Where the meeting's sound plays, when the browser can choose. */
function SpeakerSelect() {
  const output = useAudioOutput();
  const chosen = useSpeakerDevice();
  const devices = useDevices('audiooutput');
  if (!output?.supported || devices.length < 2) return null;
  return (
    <DeviceSelect
      testId="speaker-select"
      label="controls.speakerSelect"
      current={shownSpeaker(devices, chosen)}
      devices={devices}
      onSelect={(id) => output.select(id)}
    />
  );
}

export interface DevicePickerProps {
  micDevice: string | undefined;
  cameraDevice: string | undefined;
  onSelect(source: 'mic' | 'camera', deviceId: string): void;
}

export function DevicePicker({ micDevice, cameraDevice, onSelect }: DevicePickerProps) {
  const mics = useDevices('audioinput');
  const cameras = useDevices('videoinput');
  return (
    <span class="device-picker">
      <DeviceSelect
        devices={mics}
        testId="mic-select"
        label="controls.micSelect"
        current={micDevice}
        onSelect={(id) => onSelect('mic', id)}
      />
      <DeviceSelect
        devices={cameras}
        testId="cam-select"
        label="controls.camSelect"
        current={cameraDevice}
        onSelect={(id) => onSelect('camera', id)}
      />
      <SpeakerSelect />
    </span>
  );
}
