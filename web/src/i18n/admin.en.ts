// English strings of the admin dashboard.
import type { AdminKey } from './admin.ru.js';

export const adminEn: Record<AdminKey, string> = {
  'admin.title': 'Administration',
  'admin.office': 'Office',
  'admin.rooms': 'Rooms',
  'admin.meetings': 'Recent meetings',
  'admin.noOffices': 'No offices yet.',
  'admin.noRooms': 'No rooms.',
  'admin.noMeetings': 'No meetings yet.',
  'admin.capacity': 'up to {count} people',
  'admin.lobby': 'lobby',
  'admin.passcode': 'passcode',
  'admin.live': 'live now',
  'admin.peak': 'people: {count}',
  'admin.duration': '{minutes} min',
  'admin.failed': 'Could not load: {message}',
  'admin.signIn': 'Sign in through your workspace as an administrator.',
};
