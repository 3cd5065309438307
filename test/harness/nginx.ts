// A real nginx (Debian's package) for tests: started in the foreground as the
// current user, with every file it writes (pid, logs, temp folders) in a temp
// dir, serving an http-level configuration the test hands in — the repo's
// example rendered with test addresses. Stopped by the test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const NGINX_BINARIES = ['/usr/sbin/nginx', '/usr/bin/nginx'];

/** nginx's binary, or undefined when it is not installed (`apt-get install nginx`). */
export function nginxBinary(): string | undefined {
  return NGINX_BINARIES.find((file) => existsSync(file));
}

export interface TestNginx {
  /** The temp dir holding the configuration, the logs and nginx's temp files. */
  dir: string;
  /** What nginx wrote to its error log so far. */
  errorLog(): string;
  stop(): Promise<void>;
}

/**
 * The main configuration around `httpConfig` (the contents of an http
 * block): foreground, one worker, the current user, everything in `dir`.
 */
function mainConfig(dir: string, httpConfigFile: string): string {
  const temp = (name: string) => {
    const path = join(dir, 'temp', name);
    mkdirSync(path, { recursive: true });
    return path;
  };
  // As root, nginx's workers would switch to `nobody`, who cannot read the
  // temp dir; as anyone else the directive is only a warning.
  const user = process.getuid?.() === 0 ? `user ${userInfo().username};` : '';
  return `${user}
daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} info;
events { worker_connections 256; }
http {
  access_log ${join(dir, 'access.log')};
  client_body_temp_path ${temp('client_body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  types { text/html html; }
  include ${httpConfigFile};
}
`;
}

function nginxArgs(dir: string): string[] {
  // -e: the error log before the configuration is read (not /var/log/nginx).
  return ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')];
}

/** Writes the configuration into a new temp dir; `nginx -t` must accept it. */
function prepare(binary: string, httpConfig: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'veche-nginx-'));
  const httpConfigFile = join(dir, 'veche.conf');
  writeFileSync(httpConfigFile, httpConfig);
  writeFileSync(join(dir, 'nginx.conf'), mainConfig(dir, httpConfigFile));
  const check = spawnSync(binary, ['-t', ...nginxArgs(dir)], { encoding: 'utf8' });
  if (check.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`nginx -t refused the configuration:\n${check.stderr}`);
  }
  return dir;
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts nginx with `httpConfig` and waits until it accepts connections on
 * `port` (one of the ports the configuration listens on, on 127.0.0.1).
 */
export async function startNginx(httpConfig: string, port: number): Promise<TestNginx> {
  const binary = nginxBinary();
  if (binary === undefined) throw new Error('nginx is not installed (apt-get install nginx)');
  const dir = prepare(binary, httpConfig);
  const child = spawn(binary, nginxArgs(dir), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const errorLog = () => {
    const file = join(dir, 'error.log');
    return (existsSync(file) ? readFileSync(file, 'utf8') : '') + stderr;
  };
  const stop = async () => {
    // SIGQUIT: finish the open requests and stop; the sockets close with the workers.
    child.kill('SIGQUIT');
    await exited(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = errorLog();
      await stop();
      throw new Error(`nginx did not start:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { dir, errorLog, stop };
}

export interface ExampleSite {
  /** host:port of each signaling node the example's upstream is to name. */
  upstreams: readonly string[];
  /** Where the example's `listen 80` and `listen 443 ssl` go, on 127.0.0.1. */
  httpPort: number;
  httpsPort: number;
  /** PEM files for the example's certificate and key paths. */
  cert: string;
  key: string;
}

/** One replacement in the example, which must find exactly `count` places. */
function replaceExactly(text: string, pattern: RegExp, by: string, count = 1): string {
  const found = text.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`));
  if ((found?.length ?? 0) !== count) {
    throw new Error(`the nginx example changed: ${pattern} found ${found?.length ?? 0}×`);
  }
  return text.replace(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`), by);
}

/**
 * infra/nginx/veche.conf with only its addresses, ports and certificate
 * paths replaced: the upstream's servers, the two listeners, the PEM files.
 * Throws when the example no longer has one of them where expected.
 */
export function renderNginxExample(example: string, site: ExampleSite): string {
  const servers = site.upstreams.map((u) => `server ${u} max_fails=1 fail_timeout=10s;`);
  let text = replaceExactly(example, /^[ \t]*server [\d.]+:\d+ [^;\n]*;\n/m, '', 2);
  text = replaceExactly(
    text,
    /(upstream veche_signaling \{\n(?:\s*#[^\n]*\n)*)/,
    `$1    ${servers.join('\n    ')}\n`,
  );
  text = replaceExactly(text, /listen 80;/, `listen 127.0.0.1:${site.httpPort};`);
  text = replaceExactly(text, /listen 443 ssl;/, `listen 127.0.0.1:${site.httpsPort} ssl;`);
  text = replaceExactly(text, /ssl_certificate +\S+;/, `ssl_certificate ${site.cert};`);
  text = replaceExactly(text, /ssl_certificate_key +\S+;/, `ssl_certificate_key ${site.key};`);
  return text;
}
