// This node's hold on what it opened in the SFU: every room and peer it owns
// has a lease, renewed here every third of its length. A node that stops
// (or crashes) stops renewing, and the SFU reaps what it held once the lease
// runs out — after the reconnect grace, so a resume elsewhere can adopt it.
import type { SfuApi } from '../../sfu/api/index.js';
import type { Logger } from '../core/logger.js';

export interface LeaseRenewalPorts {
  readonly sfu: Pick<SfuApi, 'call'>;
  readonly owner: string;
  readonly leaseMs: number;
  readonly log: Logger;
}

export function startLeaseRenewal(ports: LeaseRenewalPorts): { stop(): void } {
  let failing = false;
  const renew = async () => {
    try {
      await ports.sfu.call('renewLease', { owner: ports.owner, leaseMs: ports.leaseMs });
      if (failing) ports.log.info({}, 'SFU leases renewed again');
      failing = false;
    } catch (error) {
      // Logged once per outage; the next round tries again.
      if (!failing) ports.log.warn({ err: error }, 'SFU lease renewal failed');
      failing = true;
    }
  };
  const timer = setInterval(() => void renew(), Math.max(1, Math.floor(ports.leaseMs / 3)));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
