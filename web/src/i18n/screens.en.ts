// English strings of the language switch, the pre-join controls and the
// screen-reader announcements.
import type { ScreensKey } from './screens.ru.js';

export const screensEn: Record<ScreensKey, string> = {
  'app.loadFailed': 'Could not load the page. Please reload it.',
  'language.label': 'Interface language',
  'language.ru': 'Русский',
  'language.en': 'English',
  'prejoin.preview': 'Camera preview',
  'prejoin.cameraOff': 'Camera is off',
  'prejoin.micLevel': 'Microphone level',
  'prejoin.micSelect': 'Microphone',
  'prejoin.camSelect': 'Camera',
  'prejoin.speakerSelect': 'Speakers',
  'prejoin.defaultDevice': 'Default',
  'prejoin.speakerTest': 'Test speakers',
  'prejoin.speakerPlaying': 'Playing…',
  'prejoin.relayOnly': 'Send audio and video through the relay server',
  'prejoin.relayOnlyHint': 'For office networks that block calls. May add a little delay.',
  'prejoin.micOn': 'Microphone on',
  'prejoin.micOff': 'Microphone off',
  'prejoin.camOn': 'Camera on',
  'prejoin.camOff': 'Camera off',
  'prejoin.checking': 'Checking your camera and microphone…',
  'prejoin.denied':
    'The browser was refused access to the camera and microphone. Allow it in the site settings — or join without them.',
  'prejoin.noDevices': 'No camera or microphone found. You can still join to watch and listen.',
  'prejoin.noCamera': 'No camera found, or it is busy — you will join without video.',
  'prejoin.noMic': 'No microphone found, or it is busy — you will join without sound.',
  'prejoin.unsupported':
    'This browser gives no access to the camera and microphone (HTTPS needed).',
  'a11y.joined': '{name} joined the meeting',
  'a11y.left': '{name} left the meeting',
  'a11y.reconnecting': '{name} lost the connection; waiting for them to come back',
  'a11y.reconnected': '{name} is back',
  'a11y.handRaised': '{name} raised their hand',
  'a11y.handLowered': '{name} lowered their hand',
  'a11y.chat': 'Message from {name}: {text}',
  'a11y.youJoined': 'You are in the meeting',
};
