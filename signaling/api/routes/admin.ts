// /api/admin: SFU capacity (nodes and their workers: load, CPU, drain) and
// the live rooms of the cluster, for admins only. Changes are audited by the
// live and cluster admins.
import { z } from 'zod';
import { requireAdmin } from '../../catalog/permissions.js';
import { notFound } from '../../core/domainError.js';
import { ApiError } from '../errors.js';
import { roomNameSchema } from '../../protocol/common.js';
import type { ApiContext } from '../context.js';
import {
  liveRoomSchema,
  nodeViewSchema,
  sfuWorkerSchema,
  type ClusterAdmin,
  type LiveAdmin,
} from '../live.js';
import { defineRoute, json, type Route } from '../route.js';

const workerParams = z.object({ index: z.coerce.number().int().min(0).max(1023) });
const roomParams = z.object({ name: roomNameSchema });
const nodeParams = z.object({ id: z.string().min(1).max(255) });
const drainBody = z.object({
  /** Move the node's participants to other nodes too (they rebuild their media there). */
  migrate: z.boolean().default(false),
});

/**
 * Why a drain with migration is refused where it cannot move anyone
 * (details.reason of the 409): the SFU is embedded or a fixed SFU_NODES list.
 */
export const MIGRATION_NEEDS_REGISTRY = 'MIGRATION_NEEDS_REGISTRY';
const sfuSchema = z.object({ workers: z.array(sfuWorkerSchema) });

export function adminRoutes({ live, cluster }: ApiContext): Route[] {
  const liveAdmin = (): LiveAdmin => {
    const found = live?.();
    if (!found) throw notFound('live administration is not available on this server');
    return found;
  };
  const clusterAdmin = (): ClusterAdmin | undefined => cluster?.();
  const nodeDrainRoute = (on: boolean) =>
    defineRoute({
      method: 'POST',
      path: `/api/admin/nodes/{id}/${on ? 'drain' : 'undrain'}`,
      operationId: on ? 'drainSfuNode' : 'undrainSfuNode',
      summary: on
        ? 'Drain an SFU node: no new rooms or participants are placed on it, what it carries keeps running (admins). `migrate: true` also moves its rooms and participants to other nodes, where their media are rebuilt without a reload (409 `MIGRATION_NEEDS_REGISTRY` unless the SFU nodes come from the registry)'
        : 'Let an SFU node take new rooms and participants again (admins)',
      tag: 'admin',
      params: nodeParams,
      ...(on ? { body: drainBody } : {}),
      responses: { 200: { description: 'The node', schema: nodeViewSchema } },
      errors: on
        ? ['BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT']
        : ['BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity, params, body, ip }) {
        requireAdmin(identity, on ? 'drain SFU nodes' : 'undrain SFU nodes');
        const admin = clusterAdmin();
        if (!admin) throw notFound('SFU nodes are not administered by this server');
        const migrate = on && (body as z.infer<typeof drainBody> | undefined)?.migrate === true;
        if (migrate && !admin.canMigrate) {
          throw new ApiError(
            'CONFLICT',
            'moving participants needs SFU nodes found in the registry (SFU_NODES=registry); drain without migrate stops new placements',
            { reason: MIGRATION_NEEDS_REGISTRY },
          );
        }
        const node = await admin.drainNode(
          params.id,
          on,
          { subject: identity.subject, ip },
          { migrate },
        );
        if (!node) throw notFound(`no SFU node ${params.id}`);
        return json(200, node);
      },
    });
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
      path: '/api/admin/nodes',
      operationId: 'sfuNodes',
      summary:
        'SFU nodes of the cluster with their state, version, addresses, workers and load, capacity, and the rooms and participants they carry (admins)',
      tag: 'admin',
      responses: {
        200: { description: 'Nodes', schema: z.object({ nodes: z.array(nodeViewSchema) }) },
      },
      errors: ['FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity }) {
        requireAdmin(identity, 'see SFU nodes');
        const admin = clusterAdmin();
        if (!admin) throw notFound('SFU nodes are not administered by this server');
        return json(200, { nodes: await admin.nodes() });
      },
    }),
    nodeDrainRoute(true),
    nodeDrainRoute(false),
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
      summary:
        "Rooms meeting now across the cluster, with their participants and the SFU node each participant's media is on (admins)",
      tag: 'admin',
      responses: {
        200: { description: 'Live rooms', schema: z.object({ rooms: z.array(liveRoomSchema) }) },
      },
      errors: ['FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity }) {
        requireAdmin(identity, 'see live rooms');
        const admin = clusterAdmin();
        return json(200, { rooms: await (admin ?? liveAdmin()).rooms() });
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
