// /api/admin: SFU capacity (load, CPU, drain) and the live rooms of this
// signaling node, for admins only. Changes are audited by the live admin.
import { z } from 'zod';
import { requireAdmin } from '../../catalog/permissions.js';
import { notFound } from '../../core/domainError.js';
import { roomNameSchema } from '../../protocol/common.js';
import type { ApiContext } from '../context.js';
import { liveRoomSchema, sfuWorkerSchema, type LiveAdmin } from '../live.js';
import { defineRoute, json, type Route } from '../route.js';

const workerParams = z.object({ index: z.coerce.number().int().min(0).max(1023) });
const roomParams = z.object({ name: roomNameSchema });
const sfuSchema = z.object({ workers: z.array(sfuWorkerSchema) });

export function adminRoutes({ live }: ApiContext): Route[] {
  const liveAdmin = (): LiveAdmin => {
    const found = live?.();
    if (!found) throw notFound('live administration is not available on this server');
    return found;
  };
  const drainRoute = (on: boolean) =>
    defineRoute({
      method: 'POST',
      path: `/api/admin/sfu/workers/{index}/${on ? 'drain' : 'undrain'}`,
      operationId: on ? 'drainSfuWorker' : 'undrainSfuWorker',
      summary: on
        ? 'Drain an SFU worker: no new rooms on it, its rooms keep running (admins)'
        : 'Let an SFU worker take new rooms again (admins)',
      tag: 'admin',
      params: workerParams,
      responses: { 200: { description: 'The worker', schema: sfuWorkerSchema } },
      errors: ['BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity, params, ip }) {
        requireAdmin(identity, on ? 'drain SFU workers' : 'undrain SFU workers');
        const worker = await liveAdmin().drain(params.index, on, {
          subject: identity.subject,
          ip,
        });
        if (!worker) throw notFound(`no SFU worker ${params.index}`);
        return json(200, worker);
      },
    });
  return [
    defineRoute({
      method: 'GET',
      path: '/api/admin/sfu',
      operationId: 'sfuLoad',
      summary: 'SFU workers with their load, CPU time and draining flag (admins)',
      tag: 'admin',
      responses: { 200: { description: 'Workers', schema: sfuSchema } },
      errors: ['FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity }) {
        requireAdmin(identity, 'see SFU load');
        return json(200, { workers: await liveAdmin().sfuLoad() });
      },
    }),
    drainRoute(true),
    drainRoute(false),
    defineRoute({
      method: 'GET',
      path: '/api/admin/rooms',
      operationId: 'liveRooms',
      summary: 'Rooms meeting now on this signaling node, with their participants (admins)',
      tag: 'admin',
      responses: {
        200: { description: 'Live rooms', schema: z.object({ rooms: z.array(liveRoomSchema) }) },
      },
      errors: ['FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity }) {
        requireAdmin(identity, 'see live rooms');
        return json(200, { rooms: await liveAdmin().rooms() });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/admin/rooms/{name}/close',
      operationId: 'closeLiveRoom',
      summary: 'End the meeting in a room for everyone, as its host could (admins)',
      tag: 'admin',
      params: roomParams,
      responses: {
        200: { description: 'Closed', schema: z.object({ closed: z.literal(true) }) },
      },
      errors: ['BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity, params, ip }) {
        requireAdmin(identity, 'close rooms');
        const closed = await liveAdmin().closeRoom(params.name, {
          subject: identity.subject,
          ip,
        });
        if (!closed) throw notFound(`room ${params.name} is not live`);
        return json(200, { closed: true });
      },
    }),
  ];
}
