import { createReport, type Report } from '../core/report.js';
import { VERSION } from '../core/version.js';
import type { MigrateResult } from '../migrate/runner.js';

export type MigrateAction = 'up' | 'down' | 'redo' | 'status';

/** A migrate result as report data (`--format json` spreads it beside the findings). */
export type MigrateData = MigrateResult & Record<string, unknown>;

/** `pgwarden migrate up|down|redo|status` as a report: the result of migrateUp, migrateDown, migrateRedo or migrateStatus. */
export function migrateReport(action: MigrateAction, result: MigrateResult): Report<MigrateData> {
  return createReport({ version: VERSION, command: `migrate ${action}`, findings: [], data: { ...result } });
}
