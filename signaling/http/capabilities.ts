// GET /media/capabilities: the routers' RTP capabilities (the same for every
// room). The join screen loads its media device with them while the user is
// still typing a name, which takes that work off the path from the join
// click to the first picture. Public: it lists codecs, nothing about rooms.
import type { SfuApi } from '../../sfu/api/index.js';
import { MEDIA_CAPABILITIES_PATH } from '../protocol/limits.js';
import type { RouteHandler } from './server.js';

export function createCapabilitiesRoute(sfu: SfuApi): RouteHandler {
  return async (req, res, url) => {
    if (url.pathname !== MEDIA_CAPABILITIES_PATH) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return true;
    }
    const { rtpCapabilities } = await sfu.call('getRtpCapabilities', {});
    res
      .writeHead(200, {
        'content-type': 'application/json',
        // Changes only with a new server version: revalidate, but it is cheap.
        'cache-control': 'no-cache',
      })
      .end(req.method === 'HEAD' ? undefined : JSON.stringify({ rtpCapabilities }));
    return true;
  };
}
