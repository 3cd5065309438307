// /api/admin/turn/probe: the relay check (docs/relay-check.md). An admin
// opens an ICE probe on an SFU node with fresh TURN credentials, connects a
// relay-only transport to it, and deletes it when done. Admins only.
import { z } from 'zod';
import { SfuError } from '../../../sfu/api/index.js';
import { requireAdmin } from '../../catalog/permissions.js';
import { notFound } from '../../core/domainError.js';
import {
  turnProbeConnectSchema,
  turnProbeParamsSchema,
  turnProbeRequestSchema,
  turnProbeSchema,
} from '../../protocol/api/turnProbe.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { TurnProbes } from '../live.js';
import { defineRoute, json, type Route } from '../route.js';

/** details.reason of the 409 when the node holds as many probes as it allows. */
export const PROBE_LIMIT = 'PROBE_LIMIT';

const done = z.object({});

/** The SFU's refusals an admin can act on, as API errors; anything else stays a failure. */
async function asApiErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SfuError && error.code === 'PROBE_LIMIT')
      throw new ApiError('CONFLICT', error.message, { reason: PROBE_LIMIT });
    if (error instanceof SfuError && error.code === 'PROBE_NOT_FOUND')
      throw notFound('no such probe is open');
    // DTLS parameters the media server cannot use: the caller's, not a failure.
    if (error instanceof SfuError && error.code === 'MEDIA_REJECTED')
      throw new ApiError('BAD_REQUEST', 'the media server cannot use these DTLS parameters');
    throw error;
  }
}

export function turnProbeRoutes({ turnProbes }: ApiContext): Route[] {
  const probes = (): TurnProbes => {
    if (!turnProbes) throw notFound('the relay check is not available on this server');
    return turnProbes;
  };
  return [
    defineRoute({
      method: 'POST',
      path: '/api/admin/turn/probe',
      operationId: 'openTurnProbe',
      summary:
        'Open a relay check: an ICE probe on an SFU node (the one named, else the least loaded) that sends data-channel messages once connected, with fresh TURN credentials; it closes itself after `expiresInMs` (admins). 409 `PROBE_LIMIT` when the node holds as many probes as it allows',
      tag: 'admin',
      body: turnProbeRequestSchema,
      responses: { 200: { description: 'The probe', schema: turnProbeSchema } },
      errors: ['BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
      async handle({ identity, body, ip }) {
        requireAdmin(identity, 'check the TURN relay');
        const probe = await asApiErrors(() =>
          probes().open(body.nodeId, { subject: identity.subject, ip }),
        );
        if (!probe) throw notFound(`no SFU node ${body.nodeId ?? ''}`);
        return json(200, probe);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/admin/turn/probe/{probeId}/connect',
      operationId: 'connectTurnProbe',
      summary: "Connect a relay check's transport to the browser's DTLS end (admins)",
      tag: 'admin',
      params: turnProbeParamsSchema,
      body: turnProbeConnectSchema,
      responses: { 200: { description: 'Connected', schema: done } },
      errors: ['BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity, params, body }) {
        requireAdmin(identity, 'check the TURN relay');
        const found = await asApiErrors(() =>
          probes().connect(params.probeId, body.dtlsParameters),
        );
        if (!found) throw notFound(`no probe ${params.probeId} is open`);
        return json(200, {});
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/admin/turn/probe/{probeId}',
      operationId: 'closeTurnProbe',
      summary: 'Close a relay check (admins); closing one already closed or expired is fine',
      tag: 'admin',
      params: turnProbeParamsSchema,
      responses: { 200: { description: 'Closed', schema: done } },
      errors: ['BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND'],
      async handle({ identity, params }) {
        requireAdmin(identity, 'check the TURN relay');
        await probes().close(params.probeId);
        return json(200, {});
      },
    }),
  ];
}
