// Russian strings of the language switch, the pre-join controls and the
// screen-reader announcements (kept apart from ru.ts, which others extend).
export const screensRu = {
  'app.loadFailed': 'Не удалось загрузить страницу. Обновите её.',
  'language.label': 'Язык интерфейса',
  'language.ru': 'Русский',
  'language.en': 'English',
  'prejoin.preview': 'Предпросмотр камеры',
  'prejoin.cameraOff': 'Камера выключена',
  'prejoin.micLevel': 'Уровень микрофона',
  'prejoin.micSelect': 'Микрофон',
  'prejoin.camSelect': 'Камера',
  'prejoin.speakerSelect': 'Динамики',
  'prejoin.defaultDevice': 'По умолчанию',
  'prejoin.speakerTest': 'Проверить звук',
  'prejoin.speakerPlaying': 'Звучит…',
  'prejoin.relayOnly': 'Передавать звук и видео через сервер-ретранслятор',
  'prejoin.relayOnlyHint':
    'Для офисных сетей, где звонки блокируются. Возможна небольшая задержка.',
  'prejoin.micOn': 'Микрофон включён',
  'prejoin.micOff': 'Микрофон выключен',
  'prejoin.camOn': 'Камера включена',
  'prejoin.camOff': 'Камера выключена',
  'prejoin.checking': 'Проверяем камеру и микрофон…',
  'prejoin.denied':
    'Браузер не дал доступ к камере и микрофону. Разрешите его в настройках сайта — или войдите без них.',
  'prejoin.noDevices': 'Камера и микрофон не найдены. Можно войти и только смотреть и слушать.',
  'prejoin.noCamera': 'Камера не найдена или занята — вы войдёте без видео.',
  'prejoin.noMic': 'Микрофон не найден или занят — вы войдёте без звука.',
  'prejoin.unsupported': 'Этот браузер не даёт доступа к камере и микрофону (нужен HTTPS).',
  'a11y.joined': '{name} входит на встречу',
  'a11y.left': '{name} выходит со встречи',
  'a11y.reconnecting': '{name}: связь потеряна, ждём переподключения',
  'a11y.reconnected': '{name} снова на связи',
  'a11y.handRaised': '{name} поднимает руку',
  'a11y.handLowered': '{name} опускает руку',
  'a11y.chat': 'Сообщение от {name}: {text}',
  'a11y.youJoined': 'Вы на встрече',
} as const;

export type ScreensKey = keyof typeof screensRu;
