// Room settings: lock, lobby, passcode, chat and screen-share policy. Each
// change is a policy change and leaves an audit row with its new value.
import { settingsView, type RoomControl } from '../rooms/control.js';
import { hashPasscode } from '../catalog/passcode.js';
import type { HandlerContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { audit } from './audit.js';
import { roomOf } from './moderationTarget.js';
import type { Handler } from './types.js';

async function changeSettings(
  ctx: HandlerContext,
  change: (control: RoomControl) => void,
): Promise<void> {
  const room = roomOf(ctx);
  const settings = await ctx.services.store.update(room, (state) => {
    if (!state) return { next: state, result: undefined };
    change(state);
    return { next: state, result: settingsView(state) };
  });
  if (!settings) throw new AppError('NOT_FOUND', 'the room is gone');
  ctx.services.notify.toRoom(room, 'roomSettingsChanged', { settings });
}

export const setRoomLock: Handler<'setRoomLock'> = async (ctx, { locked }) => {
  await changeSettings(ctx, (c) => void (c.settings.locked = locked));
  await audit(ctx, locked ? 'room.lock' : 'room.unlock', undefined);
  return {};
};

export const setLobby: Handler<'setLobby'> = async (ctx, { enabled }) => {
  await changeSettings(ctx, (c) => void (c.settings.lobby = enabled));
  await audit(ctx, 'room.lobby', undefined, { enabled });
  return {};
};

export const setPasscode: Handler<'setPasscode'> = async (ctx, { passcode }) => {
  const hash = passcode === null ? undefined : await hashPasscode(passcode);
  await changeSettings(ctx, (c) => void (c.passcodeHash = hash));
  await audit(ctx, 'room.passcode', undefined, { set: passcode !== null });
  return {};
};

export const setChatEnabled: Handler<'setChatEnabled'> = async (ctx, { enabled }) => {
  await changeSettings(ctx, (c) => void (c.settings.chatEnabled = enabled));
  await audit(ctx, 'room.chat', undefined, { enabled });
  return {};
};

export const setScreenShareAllowed: Handler<'setScreenShareAllowed'> = async (ctx, { allowed }) => {
  await changeSettings(ctx, (c) => void (c.settings.screenShareAllowed = allowed));
  await audit(ctx, 'room.screenShare', undefined, { allowed });
  return {};
};
