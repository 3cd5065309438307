// /api/rooms: persistent rooms, managed by admins or the owning office's staff.
import { z } from 'zod';
import { createRoom, roomsFor, roomView, updateRoom, viewRoom } from '../../catalog/roomService.js';
import {
  createRoomSchema,
  roomListQuerySchema,
  roomSchema,
  roomSlugSchema,
  updateRoomSchema,
} from '../../protocol/api/rooms.js';
import { badRequest } from '../../core/domainError.js';
import { INVISIBLE_TEXT, isVisibleText, normalizeText } from '../../protocol/text.js';
import type { ApiContext } from '../context.js';
import { auditRoomChange } from './roomAudit.js';
import { defineRoute, json, type Route } from '../route.js';

const slugParams = z.object({ slug: roomSlugSchema });

export function roomRoutes({ db, publicUrl, now }: ApiContext): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/rooms',
      operationId: 'listRooms',
      summary: "Rooms of the caller's office (admins: all, or one office)",
      tag: 'rooms',
      query: roomListQuerySchema,
      responses: {
        200: { description: 'Rooms', schema: z.object({ rooms: z.array(roomSchema) }) },
      },
      errors: ['BAD_REQUEST', 'FORBIDDEN'],
      async handle({ identity, query }) {
        const rooms = await roomsFor(db, identity, query.officeId);
        return json(200, { rooms: rooms.map((r) => roomView(r, publicUrl)) });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/rooms',
      operationId: 'createRoom',
      summary: 'Create a persistent room',
      tag: 'rooms',
      body: createRoomSchema,
      responses: { 201: { description: 'Created', schema: roomSchema } },
      errors: ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
      async handle({ identity, ip, body }) {
        const input = visibleTexts(body);
        const room = await db.transaction(async (tx) => {
          const at = now();
          const created = await createRoom(tx, identity, input, at);
          await auditRoomChange(tx, {
            action: 'room.create',
            identity,
            ip,
            room: created,
            input,
            at,
          });
          return created;
        });
        return json(201, roomView(room, publicUrl));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/rooms/{slug}',
      operationId: 'getRoom',
      summary: 'One room',
      tag: 'rooms',
      params: slugParams,
      responses: { 200: { description: 'The room', schema: roomSchema } },
      errors: ['BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity, params }) {
        return json(200, roomView(await viewRoom(db, identity, params.slug), publicUrl));
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/rooms/{slug}',
      operationId: 'updateRoom',
      summary: "Change a room's name, capacity or settings",
      tag: 'rooms',
      params: slugParams,
      body: updateRoomSchema,
      responses: { 200: { description: 'The changed room', schema: roomSchema } },
      errors: ['FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity, ip, params, body }) {
        const input = visibleTexts(body);
        const room = await db.transaction(async (tx) => {
          const at = now();
          const updated = await updateRoom(tx, identity, params.slug, input, at);
          await auditRoomChange(tx, {
            action: 'room.update',
            identity,
            ip,
            room: updated,
            input,
            at,
          });
          return updated;
        });
        return json(200, roomView(room, publicUrl));
      },
    }),
  ];
}

/**
 * The room's name and passcode as stored (NFC, so the same text typed on any
 * system is equal); either one rendering as nothing is refused.
 */
function visibleTexts<T extends { name?: string; passcode?: string | null }>(body: T): T {
  const out = { ...body };
  for (const field of ['name', 'passcode'] as const) {
    const value = body[field];
    if (typeof value !== 'string') continue;
    const text = field === 'name' ? normalizeText(value) : value.normalize('NFC');
    if (!isVisibleText(text)) throw badRequest(`${field} ${INVISIBLE_TEXT}`);
    out[field] = text;
  }
  return out;
}
