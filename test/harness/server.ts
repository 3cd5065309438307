// A real signaling server for tests: the same factory main.ts uses, on a
// random port, with a real in-process SFU behind it.
import { fileURLToPath } from 'node:url';
import { createSignalingServer } from '../../signaling/app.js';
import { startTestSfu, testLogger, type TestSfu } from './sfu.js';

export const webRoot = fileURLToPath(new URL('../../dist/web/', import.meta.url));

export interface TestServer {
  url: string;
  port: number;
  sfu: TestSfu;
  close(): Promise<void>;
}

export async function startTestServer(
  options: { workers?: number; publicUrl?: string } = {},
): Promise<TestServer> {
  const sfu = await startTestSfu(options.workers ?? 1);
  const server = createSignalingServer({
    sfu: sfu.sfu,
    log: testLogger(),
    webRoot,
    publicUrl: options.publicUrl,
    tls: undefined,
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    sfu,
    async close() {
      await server.close();
      await sfu.close();
    },
  };
}
