// The camera and microphone. Asks for both; when that fails, tries each alone
// so one broken or refused device does not silence the other.
export interface LocalTracks {
  mic: MediaStreamTrack | undefined;
  camera: MediaStreamTrack | undefined;
  /**
   * A camera the user turned off before joining: not opened (its light stays
   * off) until they turn it on; `deviceId` is the one they picked, if any.
   */
  cameraOff?: { deviceId: string | undefined };
}

const VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 } };

async function request(constraints: MediaStreamConstraints): Promise<MediaStream | undefined> {
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch {
    return undefined;
  }
}

export async function acquireLocalTracks(): Promise<LocalTracks> {
  if (!navigator.mediaDevices?.getUserMedia) return { mic: undefined, camera: undefined };
  const both = await request({ audio: true, video: VIDEO });
  if (both) {
    return { mic: both.getAudioTracks()[0], camera: both.getVideoTracks()[0] };
  }
  const audio = await request({ audio: true });
  const video = await request({ video: VIDEO });
  return { mic: audio?.getAudioTracks()[0], camera: video?.getVideoTracks()[0] };
}

export function stopTracks(tracks: LocalTracks): void {
  tracks.mic?.stop();
  tracks.camera?.stop();
}

/**
 * One track from a chosen device (mid-call device switching, a camera turned
 * on again), or from the default one; throws when refused.
 */
export async function acquireDevice(
  source: 'mic' | 'camera',
  deviceId?: string,
): Promise<MediaStreamTrack> {
  const device = deviceId ? { deviceId: { exact: deviceId } } : {};
  const stream = await navigator.mediaDevices.getUserMedia(
    source === 'mic' ? { audio: device } : { video: { ...VIDEO, ...device } },
  );
  const track = source === 'mic' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
  if (!track) throw new Error(`no ${source} track from device ${deviceId ?? '(default)'}`);
  return track;
}
