// Serves the built web client. Hashed assets are cached for a year; the page
// itself never, so a deploy reaches clients at once. /r/<room>, /bookings and
// /admin are the page (the client routes them).
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * The page learns which parent frames may hand it a token from a meta tag,
 * filled from FRAME_ANCESTORS (origins are validated by the config).
 */
function withParentOrigins(html: Buffer, frameAncestors: readonly string[]): Buffer {
  if (frameAncestors.length === 0) return html;
  const tag = `<meta name="veche-parent-origins" content="${frameAncestors.join(' ').replace(/[<>"&]/g, '')}" />`;
  return Buffer.from(html.toString('utf8').replace('<head>', `<head>\n    ${tag}`));
}

/** Client-side routes: the one page, whatever the path. */
const pagePaths = new Set(['/', '/bookings', '/admin']);

export function createStaticHandler(root: string, frameAncestors: readonly string[] = []) {
  const rootWithSep = normalize(root + sep);

  // The build does not change while the server runs (npm start builds
  // nothing), so each file is read from disk once.
  const loaded = new Map<string, Buffer>();

  async function load(file: string): Promise<Buffer | undefined> {
    const cached = loaded.get(file);
    if (cached) return cached;
    try {
      if (!(await stat(file)).isFile()) return undefined;
    } catch {
      return undefined;
    }
    const raw = await readFile(file);
    const body = extname(file) === '.html' ? withParentOrigins(raw, frameAncestors) : raw;
    loaded.set(file, body);
    return body;
  }

  async function send(res: ServerResponse, file: string, cache: string): Promise<boolean> {
    const body = await load(file);
    if (!body) return false;
    res.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': cache,
    });
    res.end(body);
    return true;
  }

  /** Returns false when nothing matched (the caller answers 404). */
  return async function serve(pathname: string, res: ServerResponse): Promise<boolean> {
    if (pagePaths.has(pathname) || pathname.startsWith('/r/')) {
      return send(res, join(root, 'index.html'), 'no-cache');
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return false; // malformed escapes name no file
    }
    const file = normalize(join(root, decoded));
    if (!file.startsWith(rootWithSep)) return false;
    const immutable = pathname.startsWith('/assets/');
    return send(res, file, immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  };
}
