// The soak's probe inside each server process it starts (loaded before the
// process's own code with NODE_OPTIONS=--import). It answers on a loopback
// port of its own, to requests carrying SOAK_PROBE_TOKEN:
//
// - GET /memory: the process's memory after full garbage collections;
// - GET /media (SFU nodes, SOAK_PROBE_MEDIA=1): what every mediasoup worker
//   of the process holds, as the worker itself says (worker, router and
//   WebRtcServer dumps), not as the node's bookkeeping counts it.
//
// It writes its port to SOAK_PROBE_DIR/<pid>.json, so the soak finds the
// probe of each process by the process's id. The server is unref'd: the
// process stops as it would without it. Plain JavaScript: the processes run
// the build, without a TypeScript loader.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { setImmediate } from 'node:timers';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const dir = process.env.SOAK_PROBE_DIR;
const token = process.env.SOAK_PROBE_TOKEN;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

/** Workers of this process, with their routers and WebRtcServers as they open and close. */
const workers = new Set();
const routers = new Map();
const servers = new Map();

if (process.env.SOAK_PROBE_MEDIA === '1') {
  const mediasoup = await import('mediasoup');
  mediasoup.observer.on('newworker', (worker) => {
    workers.add(worker);
    worker.observer.once('close', () => workers.delete(worker));
    worker.observer.on('newrouter', (router) => {
      routers.set(router.id, router);
      router.observer.once('close', () => routers.delete(router.id));
    });
    worker.observer.on('newwebrtcserver', (server) => {
      servers.set(server.id, server);
      server.observer.once('close', () => servers.delete(server.id));
    });
  });
}

async function memory() {
  // Several passes: weak references and finalizers free more on the next one.
  for (let i = 0; i < 3; i += 1) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { pid: process.pid, rss, heapUsed, heapTotal, external, arrayBuffers };
}

/** A router the worker lists, by its own dump (undefined if this process has no handle on it). */
async function routerDump(id) {
  const router = routers.get(id);
  if (!router || router.closed) return { id, known: false };
  const dump = await router.dump();
  return {
    id,
    known: true,
    transports: dump.transportIds,
    producers: dump.mapProducerIdConsumerIds.map((entry) => entry.key),
    consumers: dump.mapConsumerIdProducerId.map((entry) => entry.key),
    rtpObservers: dump.rtpObserverIds,
  };
}

async function media() {
  const out = [];
  for (const worker of workers) {
    if (worker.closed) continue;
    const dump = await worker.dump();
    const webRtcServers = [];
    for (const id of dump.webRtcServerIds) {
      const server = servers.get(id);
      if (!server || server.closed) continue;
      const s = await server.dump();
      webRtcServers.push({
        id,
        transports: s.webRtcTransportIds,
        iceUsernameFragments: s.localIceUsernameFragments.length,
        tuples: s.tupleHashes.length,
      });
    }
    out.push({
      pid: worker.pid,
      routers: await Promise.all(dump.routerIds.map(routerDump)),
      webRtcServers,
      // Everything registered in the worker: its WebRtcServers, routers,
      // transports, producers, consumers, observers.
      requestHandlers: dump.channelMessageHandlers.channelRequestHandlers,
      notificationHandlers: dump.channelMessageHandlers.channelNotificationHandlers,
    });
  }
  return { pid: process.pid, workers: out };
}

if (dir && token) {
  const server = createServer((req, res) => {
    if (req.headers['x-soak-token'] !== token) {
      res.writeHead(401).end();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const answer = path === '/memory' ? memory() : path === '/media' ? media() : undefined;
    if (!answer) {
      res.writeHead(404).end();
      return;
    }
    answer.then(
      (body) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
      (error) => res.writeHead(500).end(String(error)),
    );
  });
  server.listen(0, '127.0.0.1', () => {
    writeFileSync(
      join(dir, `${process.pid}.json`),
      JSON.stringify({ port: server.address().port }),
    );
  });
  server.unref();
}
