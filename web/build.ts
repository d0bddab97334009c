/**
 * `npm run build:web`: the team page into web/dist — index.html, app.css, and app.js bundled and minified by
 * esbuild (the same esbuild the functions are bundled with). Prints the gzipped size of what a first load fetches.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const WEB_DIST = join(here, 'dist');

/** Builds the page; answers the bytes of each file, raw and gzipped. */
export async function buildWeb(options: { quiet?: boolean } = {}) {
  rmSync(WEB_DIST, { recursive: true, force: true });
  mkdirSync(WEB_DIST, { recursive: true });
  await build({
    entryPoints: [join(here, 'src', 'main.ts')],
    outfile: join(WEB_DIST, 'app.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022'],
    sourcemap: false,
    legalComments: 'none',
    logLevel: options.quiet ? 'silent' : 'warning',
  });
  copyFileSync(join(here, 'index.html'), join(WEB_DIST, 'index.html'));
  copyFileSync(join(here, 'app.css'), join(WEB_DIST, 'app.css'));
  const sizes = ['index.html', 'app.js', 'app.css'].map((file) => {
    const bytes = readFileSync(join(WEB_DIST, file));
    return { file, bytes: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
  });
  if (!options.quiet) {
    for (const { file, bytes, gzipped } of sizes)
      console.log(`  ${file}: ${bytes} bytes, ${gzipped} gzipped`);
    console.log(`  first load: ${sizes.reduce((sum, size) => sum + size.gzipped, 0)} bytes gzipped`);
  }
  return sizes;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildWeb();
