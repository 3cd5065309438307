// The relay check's REST side as `npm run turn -- check` uses it: open a probe
// on an SFU node (POST /api/admin/turn/probe) for its ICE parameters, media
// candidates and fresh TURN credentials, and close it afterwards (DELETE).
// Only what the check reads is checked; the rest of the answer passes.
import { z } from 'zod';
import { CliFailure, type AdminRestClient } from '../admin/restClient.js';
import type { IceTarget } from './iceProbe.js';

const PROBE_PATH = '/api/admin/turn/probe';

export const probeSchema = z.looseObject({
  probeId: z.string().min(1).max(128),
  nodeId: z.string(),
  expiresInMs: z.number().int(),
  iceServers: z.array(
    z.object({ urls: z.array(z.string()), username: z.string(), credential: z.string() }),
  ),
  transport: z.looseObject({
    id: z.string(),
    iceParameters: z.looseObject({ usernameFragment: z.string(), password: z.string() }),
    iceCandidates: z.array(
      z.looseObject({
        address: z.string(),
        ip: z.string().optional(),
        protocol: z.enum(['udp', 'tcp']),
        port: z.number().int().min(1).max(65535),
      }),
    ),
  }),
});
export type Probe = z.infer<typeof probeSchema>;

/** Opens a probe (on `nodeId`, else where the server picks); 404 explained. */
export async function openProbe(client: AdminRestClient, nodeId?: string): Promise<Probe> {
  try {
    return await client.call('POST', PROBE_PATH, probeSchema, nodeId ? { nodeId } : {});
  } catch (error) {
    if (error instanceof CliFailure && error.status === 404) {
      throw new CliFailure(
        nodeId
          ? `${error.message}\n  (is "${nodeId}" a node \`npm run admin -- nodes\` lists? a server without ${PROBE_PATH} answers 404 as well)`
          : `${error.message}\n  (the server at ${client.base} offers no relay check at ${PROBE_PATH}: update it)`,
        1,
        404,
      );
    }
    throw error;
  }
}

export async function closeProbe(client: AdminRestClient, probeId: string): Promise<void> {
  await client.call('DELETE', `${PROBE_PATH}/${encodeURIComponent(probeId)}`, z.unknown());
}

/** The probe transport's UDP candidates, with its ICE parameters: what the check sends to. */
export const udpTargets = (probe: Probe): IceTarget[] =>
  probe.transport.iceCandidates
    .filter((c) => c.protocol === 'udp')
    .map((c) => ({
      address: c.address,
      port: c.port,
      usernameFragment: probe.transport.iceParameters.usernameFragment,
      password: probe.transport.iceParameters.password,
    }));
