// Microphone, camera and speaker choice during the call; a new microphone or
// camera replaces the track under the same producer, so nobody sees us leave
// and come back.
import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../i18n/index.js';
import { shownSpeaker, useAudioOutput, useSpeakerDevice } from '../media/audioOutput.js';

/** The devices the browser lists (with an id), kept current as they come and go. */
function useDevices(): MediaDeviceInfo[] {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    const media = navigator.mediaDevices;
    if (!media?.enumerateDevices) return;
    let live = true;
    const refresh = () =>
      void media
        .enumerateDevices()
        .then((all) => live && setDevices(all.filter((d) => d.deviceId)))
        .catch((error: unknown) => console.warn('enumerateDevices failed', error));
    refresh();
    media.addEventListener('devicechange', refresh);
    return () => {
      live = false;
      media.removeEventListener('devicechange', refresh);
    };
  }, []);
  return devices;
}

const ofKind = (devices: readonly MediaDeviceInfo[], kind: MediaDeviceKind) =>
  devices.filter((d) => d.kind === kind);

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
function SpeakerSelect({ devices }: { devices: readonly MediaDeviceInfo[] }) {
  const output = useAudioOutput();
  const chosen = useSpeakerDevice();
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
  // One listing for the three pickers.
  const devices = useDevices();
  return (
    <span class="device-picker">
      <DeviceSelect
        devices={ofKind(devices, 'audioinput')}
        testId="mic-select"
        label="controls.micSelect"
        current={micDevice}
        onSelect={(id) => onSelect('mic', id)}
      />
      <DeviceSelect
        devices={ofKind(devices, 'videoinput')}
        testId="cam-select"
        label="controls.camSelect"
        current={cameraDevice}
        onSelect={(id) => onSelect('camera', id)}
      />
      <SpeakerSelect devices={ofKind(devices, 'audiooutput')} />
    </span>
  );
}
