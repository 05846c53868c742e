/**
 * The lint command's slice of the library API (index.ts exports all of it too): what `pgwarden lint` loads, so
 * that linting one file does not load and start every other command's modules (the SQL-in-code extractor,
 * health, logs, backups…), a third of a one-file lint's start.
 */
export { loadConfig } from './core/config.js';
export { PgwardenError } from './core/errors.js';
export { exitCodeFor } from './core/report.js';
export { onShutdown } from './db/shutdown.js';
export { lint } from './ops/lint.js';
export { LintSession } from './ops/lint-watch.js';
export { renderLintData } from './ops/render.js';
export { render, renderChunks } from './report/index.js';
// the rules a lint runs, and so the only ones its findings name: what its reports are rendered with (SARIF's rule
// descriptions); the other rules' modules are not started
export { lintRules as allRules } from './rules/lint-rules.js';
