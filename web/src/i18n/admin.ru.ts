// Russian strings of the admin dashboard.
export const adminRu = {
  'admin.title': 'Администрирование',
  'admin.office': 'Ведомство',
  'admin.rooms': 'Комнаты',
  'admin.meetings': 'Последние встречи',
  'admin.noOffices': 'Ведомств пока нет.',
  'admin.noRooms': 'Комнат нет.',
  'admin.noMeetings': 'Встреч ещё не было.',
  'admin.capacity': 'до {count} участников',
  'admin.lobby': 'зал ожидания',
  'admin.passcode': 'с кодом',
  'admin.live': 'идёт сейчас',
  'admin.peak': 'участников: {count}',
  'admin.duration': '{minutes} мин',
  'admin.failed': 'Не удалось загрузить: {message}',
  'admin.signIn': 'Войдите через рабочее пространство как администратор.',
} as const;

export type AdminKey = keyof typeof adminRu;
