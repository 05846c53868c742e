import type { Colors } from '../../report/text.js';
import { alterSystemSql } from './fix.js';
import type { SettingChange } from './model.js';
import type { TunedSetting } from './pgtune.js';
import type { WorkloadReading } from './reading.js';

/** One setting the script changes. */
export interface ScriptChange {
  readonly name: string;
  readonly value: string;
  readonly restart: boolean;
  readonly reason: string;
}

/** One table's own settings the script sets (health/tune-table-autovacuum's fix). */
export interface ScriptTableChange {
  /** schema.table, quoted where needed. */
  readonly table: string;
  /** The ALTER TABLE … SET (…) statement. */
  readonly sql: string;
  readonly reason: string;
}

export interface TuneInputValue {
  readonly value: string | number | null;
  /** Where it came from: an option, the server, this machine, or PGTune's default. */
  readonly from: string;
}

/** What `pgwarden tune` reports beside its findings. */
export interface TuneData extends Record<string, unknown> {
  /** The server compared with (never a password), or that there was none. */
  readonly source: string;
  readonly inputs: Readonly<Record<string, TuneInputValue>>;
  /** PGTune's configuration for the inputs. */
  readonly recommendations: readonly TunedSetting[];
  /** Each recommendation against the server's value (null without a server). */
  readonly settings: readonly SettingChange[] | null;
  /** What the SQL script and the postgresql.conf snippet set: the findings' changes, or every recommendation without a server. */
  readonly changes: readonly ScriptChange[];
  /** The tables the SQL script gives their own autovacuum settings (in the database tune read); empty without a server. */
  readonly tables: readonly ScriptTableChange[];
  /** The server's workload statistics the evidence rules read (null without a server). */
  readonly workload: WorkloadReading | null;
  readonly warnings: readonly string[];
}

function describeInputs(data: TuneData): string {
  return Object.entries(data.inputs)
    .map(([name, input]) => `${name} ${input.value ?? 'unknown'} (${input.from})`)
    .join(', ');
}

/**
 * An ALTER SYSTEM script of the changes, the ones that need a restart marked, then a reload; then the tables' own
 * autovacuum settings (ALTER TABLE, in the database tune read).
 */
export function renderTuneSql(data: TuneData): string {
  const tables = data.tables;
  const lines = [
    `-- pgwarden tune for ${data.source}`,
    `-- ${describeInputs(data)}`,
    '-- Run with psql as a superuser (ALTER SYSTEM runs outside a transaction block); it writes postgresql.auto.conf.',
  ];
  if (tables.length > 0)
    lines.push(
      '-- Connect to the database tune read: the ALTER TABLE lines are for its tables (each takes a SHARE UPDATE EXCLUSIVE lock for an instant).',
    );
  if (data.changes.length === 0 && tables.length === 0) {
    lines.push('-- nothing to change');
    return `${lines.join('\n')}\n`;
  }
  const restart = data.changes.filter((c) => c.restart).map((c) => c.name);
  if (restart.length > 0) lines.push(`-- RESTART needed after the reload for: ${restart.join(', ')}`);
  if (data.changes.length > 0) {
    lines.push('');
    for (const change of data.changes) {
      lines.push(`-- ${change.reason}`);
      lines.push(`${alterSystemSql(change.name, change.value)}${change.restart ? ' -- RESTART' : ''}`);
    }
    lines.push('', 'SELECT pg_reload_conf();');
  }
  if (tables.length > 0) {
    lines.push(
      '',
      '-- Tables that autovacuum visits too late with the server-wide settings: their own (health/tune-table-autovacuum)',
    );
    for (const table of tables) lines.push('', `-- ${table.reason}`, table.sql);
  }
  return `${lines.join('\n')}\n`;
}

/** A postgresql.conf snippet of the changes. */
export function renderTuneConf(data: TuneData): string {
  const lines = [`# pgwarden tune for ${data.source}`, `# ${describeInputs(data)}`];
  if (data.changes.length === 0) lines.push('# nothing to change');
  if (data.tables.length > 0)
    lines.push(
      `# and ${data.tables.length} table(s) to give their own autovacuum settings: --format sql has the ALTER TABLE lines`,
    );
  const width = Math.max(0, ...data.changes.map((c) => `${c.name} = ${c.value}`.length));
  for (const change of data.changes) {
    const line = `${change.name} = ${change.value}`;
    lines.push(`${line.padEnd(width)}  # ${change.restart ? 'restart: ' : ''}${change.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The terminal rendering: the inputs, then each setting against the server (or PGTune's list without one). */
export function renderTuneText(data: TuneData, c: Colors): string {
  const out = [`${c.bold('tune')} ${data.source}`, c.dim(describeInputs(data))];
  for (const warning of data.warnings) out.push(c.yellow(`note: ${warning}`));
  out.push('');
  if (data.settings) {
    const rows = data.settings.map((s) => [
      s.name,
      s.current ?? '(none)',
      s.recommended,
      s.restart ? 'restart' : 'reload',
    ]);
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), 8));
    out.push(
      c.dim(
        `${'setting'.padEnd(widths[0]!)}  ${'server'.padEnd(widths[1]!)}  ${'PGTune'.padEnd(widths[2]!)}  applies`,
      ),
    );
    data.settings.forEach((s, i) => {
      const [name, current, recommended, applies] = rows[i]!;
      const line = `${name!.padEnd(widths[0]!)}  ${current!.padEnd(widths[1]!)}  ${recommended!.padEnd(widths[2]!)}  ${applies}${s.pendingRestart ? ' (pending restart)' : ''}`;
      out.push(s.differs ? line : c.dim(line));
    });
    out.push('');
    out.push(
      data.changes.length > 0
        ? `${data.changes.length} change${data.changes.length === 1 ? '' : 's'} worth making (below); --format sql writes them as ALTER SYSTEM, --format conf as postgresql.conf`
        : 'nothing worth changing: the settings are close enough to what this server calls for',
    );
    const tables = data.tables;
    if (tables.length > 0)
      out.push(
        `${tables.length} table${tables.length === 1 ? '' : 's'} to give their own autovacuum settings (${tables
          .slice(0, 5)
          .map((t) => t.table)
          .join(
            ', ',
          )}${tables.length > 5 ? ', …' : ''}); --format sql writes them as ALTER TABLE, to run in this database`,
      );
  } else {
    for (const s of data.recommendations) out.push(`${s.name} = ${s.value}  ${c.dim(`# ${s.reason}`)}`);
  }
  return out.join('\n');
}
