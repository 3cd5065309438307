// reportJoinTiming: the client says how long its join took (from the join,
// or the admission from the lobby, to media ready). Only a joined member may
// report, once per join: the figure goes into the join-latency histogram.
// The client measured it, so it is the users' experience, not the server's.
import type { Handler } from './types.js';
import { requirePeer } from './types.js';

export const reportJoinTiming: Handler<'reportJoinTiming'> = async (ctx, { joinToMediaMs }) => {
  ctx.services.metrics.joinTiming(requirePeer(ctx), joinToMediaMs);
  return {};
};
