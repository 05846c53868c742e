import type { TuneModel } from '../../../src/health/tune/model.js';
import type { SettingRow, TableActivity } from '../../../src/health/tune/reading.js';
import rule from '../../../src/rules/health/tune-table-autovacuum.js';
import { tuneModel } from '../../health/tune/fixtures.js';
import { defineCases } from '../../helpers/rule-tester.js';

const DAY = 86_400;
const real = (name: string, setting: string): SettingRow => ({
  name,
  setting,
  unit: null,
  vartype: name.endsWith('scale_factor') ? 'real' : 'integer',
  context: 'sighup',
  source: 'default',
  enumvals: null,
  pendingRestart: false,
});
const table = (overrides: Partial<TableActivity>): TableActivity => ({
  name: 'public.events',
  rows: 50_000_000,
  deadRows: 4_000_000,
  changedRows: 2_000_000,
  statsSeconds: 30 * DAY,
  lastVacuumSeconds: 12 * DAY,
  autovacuumCount: 3,
  reloptions: [],
  ...overrides,
});
/** The PostgreSQL 15 defaults (50 + 20%) and these tables. */
function withTables(...tables: TableActivity[]): TuneModel {
  const model = tuneModel();
  return {
    ...model,
    live: {
      ...model.live!,
      tables,
      settings: {
        ...model.live!.settings,
        autovacuum_vacuum_scale_factor: real('autovacuum_vacuum_scale_factor', '0.2'),
        autovacuum_vacuum_threshold: real('autovacuum_vacuum_threshold', '50'),
      },
    },
  };
}

export default defineCases(rule, {
  valid: [
    { name: 'a small, quiet table', model: withTables(table({ rows: 20_000, changedRows: 1000 })) },
    {
      name: 'a big table that already has its own scale factor',
      model: withTables(table({ reloptions: ['autovacuum_vacuum_scale_factor=0.01'] })),
    },
  ],
  invalid: [
    {
      name: 'a 50-million-row table: autovacuum waits for 10 million dead rows',
      model: withTables(table({})),
      findings: [
        {
          object: 'public.events',
          severity: 'info',
          message:
            'table public.events (50,000,000 rows): autovacuum waits for 10,000,050 dead rows (50 + 0.2 × rows) — it has 4,000,000 now, last vacuumed 12.0 days ago, 3 autovacuum run(s) since the statistics were reset; with its own settings it would come at 501,000',
          fix: 'ALTER TABLE public.events SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000);',
        },
      ],
    },
    {
      name: 'a hot 200,000-row table: rewritten three times a day',
      model: withTables(
        table({ name: 'public.sessions', rows: 200_000, changedRows: 18_000_000, deadRows: 35_000 }),
      ),
      findings: [
        {
          object: 'public.sessions',
          message:
            /^table public\.sessions \(200,000 rows, 600,000 updated or deleted a day\): autovacuum waits for 40,050 dead rows/,
          fix: 'ALTER TABLE public.sessions SET (autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_threshold = 1000);',
        },
      ],
    },
  ],
});
