import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/**
 * The service board, bundled by Vite into dist/web (served by the gateway at /, see gateway/static.ts).
 * Preact's JSX through Vite's own transform: no framework plugin is needed for a production build.
 */
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Writes .br and .gz beside each text file, which the gateway serves to browsers that take them. */
function precompress(): Plugin {
  return {
    name: 'servicegraph:precompress',
    apply: 'build',
    writeBundle({ dir }) {
      if (!dir) return;
      const walk = (folder: string): string[] =>
        readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(join(folder, e.name)) : [join(folder, e.name)],
        );
      for (const file of walk(dir).filter((f) => /\.(html|js|css|svg)$/.test(f))) {
        const source = readFileSync(file);
        writeFileSync(`${file}.br`, brotliCompressSync(source));
        writeFileSync(`${file}.gz`, gzipSync(source, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: here('.'),
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    // Its polyfill would be an inline script, which the page's Content-Security-Policy refuses.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  plugins: [precompress()],
});
