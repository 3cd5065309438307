import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type Rolldown } from 'vite';

type OutputBundle = Rolldown.OutputBundle;
type OutputChunk = Rolldown.OutputChunk;

/** The meeting page's JavaScript (entry and everything it imports statically) may not exceed this, gzipped. */
const MEETING_BUDGET_KB = 150;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes)`;

/** A chunk and every chunk it imports statically, each once. */
function closure(bundle: OutputBundle, start: OutputChunk): OutputChunk[] {
  const seen = new Map<string, OutputChunk>();
  const visit = (chunk: OutputChunk) => {
    if (seen.has(chunk.fileName)) return;
    seen.set(chunk.fileName, chunk);
    for (const name of chunk.imports) {
      const next = bundle[name];
      if (next?.type === 'chunk') visit(next);
    }
  };
  visit(start);
  return [...seen.values()];
}

const gzipped = (chunks: readonly OutputChunk[]) =>
  chunks.reduce((sum, chunk) => sum + gzipSync(chunk.code).length, 0);

/**
 * Prints what the browser downloads: the meeting page's JS (the entry chunk
 * with mediasoup-client and whatever it imports statically) and each lazy
 * screen (its chunks that the page does not already have), gzipped; fails
 * the build when the meeting page is over budget.
 */
function bundleWeight(): Plugin {
  return {
    name: 'veche-bundle-weight',
    apply: 'build',
    // After every other plugin has had its say: the code as written to disk.
    writeBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((o): o is OutputChunk => o.type === 'chunk');
      const entry = chunks.find((c) => c.isEntry);
      if (!entry) return;
      const page = closure(bundle, entry);
      const pageFiles = new Set(page.map((c) => c.fileName));
      const pageSize = gzipped(page);
      const lines = [`meeting page JS (gzip): ${kb(pageSize)} — budget ${MEETING_BUDGET_KB} KiB`];
      for (const name of entry.dynamicImports) {
        const lazy = bundle[name];
        if (lazy?.type !== 'chunk') continue;
        const own = closure(bundle, lazy).filter((c) => !pageFiles.has(c.fileName));
        lines.push(`lazy ${lazy.name} chunk (gzip): ${kb(gzipped(own))}`);
      }
      const zod = page.some((c) =>
        Object.keys(c.modules).some((id) => id.includes('/node_modules/zod/')),
      );
      lines.push(`zod in the meeting page: ${zod ? 'yes' : 'no'}`);
      console.log(lines.join('\n'));
      if (pageSize > MEETING_BUDGET_KB * 1024) {
        this.error(
          `the meeting page is ${kb(pageSize)} gzipped, over the ${MEETING_BUDGET_KB} KiB budget`,
        );
      }
    },
  };
}

/**
 * The server serves index.html at / and /r/…; until it also does at
 * /bookings and /admin, those screens are reachable at /bookings.html and
 * /admin.html (the same page).
 */
function screenPages(pages: readonly string[]): Plugin {
  return {
    name: 'veche-screen-pages',
    apply: 'build',
    async writeBundle(options) {
      const dir = options.dir ?? outDir;
      for (const page of pages) await copyFile(join(dir, 'index.html'), join(dir, `${page}.html`));
    },
  };
}

const outDir = fileURLToPath(new URL('../dist/web', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: true,
  },
  plugins: [bundleWeight(), screenPages(['bookings', 'admin'])],
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
});
