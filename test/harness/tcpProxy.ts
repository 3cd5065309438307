// A TCP proxy on loopback that sends each new connection to the upstream port
// chosen at that moment: a load balancer in front of several signaling nodes,
// for tests in which browsers (which only know one address) reach one node
// and, once it is gone, another.
import { createServer, connect, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Where new connections go from now on (open ones stay where they are). */
  route(upstreamPort: number): void;
  close(): Promise<void>;
}

export async function startTcpProxy(upstreamPort: number): Promise<TcpProxy> {
  let upstream = upstreamPort;
  let accepted = 0;
  const open = new Set<Socket>();
  const track = (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  };
  const server = createServer((client) => {
    accepted += 1;
    const target = connect(upstream, '127.0.0.1');
    track(client);
    track(target);
    client.pipe(target);
    target.pipe(client);
    // Either side gone: the other goes too, as behind a real balancer.
    client.on('error', () => target.destroy());
    target.on('error', () => client.destroy());
    client.on('close', () => target.destroy());
    target.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    get accepted() {
      return accepted;
    },
    route(next) {
      upstream = next;
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
