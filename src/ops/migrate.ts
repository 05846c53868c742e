import type { PgwardenConfig } from '../core/config.js';
import { createRuleSet, type RuleSet } from '../core/engine.js';
import { DEFAULT_PG_MAJOR } from '../core/pg-major.js';
import { createReport, type Report } from '../core/report.js';
import { VERSION } from '../core/version.js';
import type { HistoryModel } from '../lint/history-model.js';
import { qualifiedHistory } from '../migrate/history.js';
import type { MigrateResult } from '../migrate/runner.js';
import { allRules } from '../rules/index.js';

export type MigrateAction = 'up' | 'down' | 'redo' | 'status' | 'baseline';

/** A migrate result as report data (`--format json` spreads it beside the findings). */
export type MigrateData = MigrateResult & Record<string, unknown>;

/**
 * `pgwarden migrate up|down|redo|status` as a report: the result of migrateUp, migrateDown, migrateRedo or
 * migrateStatus, and the history rules' findings on it (changed, missing, failed and out-of-order migrations, schema
 * drift), so that `migrate status` is a gate whose exit code follows `--fail-on`.
 */
export function migrateReport(
  action: MigrateAction,
  result: MigrateResult,
  options: { config?: PgwardenConfig; ruleSet?: RuleSet } = {},
): Report<MigrateData> {
  const ruleSet = options.ruleSet ?? createRuleSet(allRules, options.config ?? {});
  const migrations = options.config?.migrations;
  const model: HistoryModel = {
    table: qualifiedHistory({
      schema: migrations?.schema ?? 'pgwarden',
      table: migrations?.table ?? 'migrations',
    }),
    entries: result.statuses,
    drift: result.drift,
  };
  const { findings, skipped } = ruleSet.run('history', model, { pgVersion: DEFAULT_PG_MAJOR });
  return createReport({
    version: VERSION,
    command: `migrate ${action}`,
    findings,
    skipped,
    data: { ...result },
  });
}
