// What the cluster tests of a registry deployment (SFU_NODES=registry) share:
// their own view of each SFU node (its internal endpoint, by node id), the
// admin CLI's environment, and waiting for the registry to say something.
import { createRemoteSfu, type RemoteSfu } from '../../signaling/sfu/remoteSfu.js';
import { runAdmin } from './adminCli.js';
import { adminToken, type Deployment } from './node.js';
import { testLogger, waitFor } from './sfu.js';

/** A client of each SFU node of the deployment, by node id (`sfu-1`, `sfu-2`…); close them after. */
export function sfuNodeClients(deployment: Deployment): Map<string, RemoteSfu> {
  return new Map(
    deployment.sfu.map((node, i) => [
      `sfu-${i + 1}`,
      createRemoteSfu({ url: node.url, secret: deployment.sfuSecret, log: testLogger() }),
    ]),
  );
}

/** The admin CLI's environment against the deployment's first signaling node. */
export async function adminEnv(deployment: Deployment): Promise<Record<string, string>> {
  return {
    VECHE_URL: deployment.signaling[0]!.url,
    VECHE_TOKEN: await adminToken(deployment.cluster),
  };
}

/** The SFU nodes as `npm run admin -- nodes --json` lists them (none while it fails). */
export async function listedNodes(
  admin: Record<string, string>,
): Promise<Array<{ id: string; state: string }>> {
  const listed = await runAdmin(['nodes', '--json'], admin);
  if (listed.code !== 0) return [];
  return (JSON.parse(listed.stdout) as { nodes: Array<{ id: string; state: string }> }).nodes;
}

/** Waits until the registry lists `count` SFU nodes. */
export function nodesRegistered(admin: Record<string, string>, count: number): Promise<void> {
  return waitFor(
    async () => (await listedNodes(admin)).length === count,
    `${count} SFU nodes registered`,
    30_000,
  );
}

/** Waits until the node's registry record has this state (placement reads it). */
export function nodeInState(
  admin: Record<string, string>,
  nodeId: string,
  state: 'SERVING' | 'DRAINING',
): Promise<void> {
  return waitFor(
    async () => (await listedNodes(admin)).find((n) => n.id === nodeId)?.state === state,
    `${nodeId} ${state} in the registry`,
  );
}
