import { z } from 'zod';
import type { TableInfo } from '../../catalog/model.js';
import { formatBytes, formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { creationTimeColumn, writeMix } from '../../schema/growth.js';
import {
  foreignKeys,
  freeConstraintName,
  identSql,
  literal,
  objectName,
  tableSql,
} from '../../schema/keys.js';
import { qualifiedIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

interface Options {
  maxBytes: number;
  maxRows: number;
}

/** The first day of the month `months` after the one of `iso` (UTC), as `YYYY-MM-DD`. */
function monthStart(iso: string, months: number): { date: string; suffix: string } {
  const at = new Date(iso);
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + months, 1));
  const y = d.getUTCFullYear();
  const m = String(d.getUTCMonth() + 1).padStart(2, '0');
  return { date: `${y}-${m}-01`, suffix: `${y}_${m}` };
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/partition-candidate',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'info',
  summary:
    'Large table that is not partitioned (over maxBytes or maxRows), with the partition key when rows are only appended',
  reportsOn: ['table'],
  docs: {
    why: 'Past tens of gigabytes or a hundred million rows, one table makes every maintenance task as big as the table: VACUUM and ANALYZE take hours, an index build or a REINDEX holds on for as long, deleting old rows (retention) writes as much WAL as inserting them and leaves bloat, and a restore cannot start with the recent data. Partitioning splits the table into smaller ones under one name: old partitions are dropped or detached in a moment instead of DELETEd, maintenance runs partition by partition, and queries that filter on the partition key read only the partitions they need. It fits best a table that only grows — events, logs, measurements, orders after they close — partitioned by RANGE on the time each row was created. On a live database the rule reports an unpartitioned table with at least `maxRows` rows or `maxBytes` bytes of data; when the statistics show rows are only inserted (updates at most 5% of inserts) and a date or timestamp column records the insert (created_at, or NOT NULL DEFAULT now()), it names that column as the key and gives the recipe (warning); otherwise it is advice to weigh (info).',
    howToFix:
      "Partition by RANGE on the creation time, a partition per month (or per day for hundreds of millions of rows a month), created ahead of time by a scheduled job or pg_partman. The existing rows need not be copied: build the partitioned table beside the old one, prove the old rows' range with a CHECK (created_at < cutover) added NOT VALID and then validated (reads and writes go on), build the unique index the new key needs CONCURRENTLY, then in one short transaction rename both and ATTACH the old table as the partition of everything before the cutover — the CHECK spares ATTACH its scan. Every primary key and unique constraint of a partitioned table must include the partition key (id becomes (id, created_at)), so foreign keys that reference the table must reference both columns; an identity column moves to the new parent. Alternatively copy the rows in batches into the new table and switch names at the end. The finding's fix is that recipe with the table's names, as comments: a migration to rehearse, not a statement to run.",
    examples: {
      bad: "-- public.events: 400 million rows, 180 GB, one table; nightly DELETE … WHERE created_at < now() - interval '90 days'",
      good: "CREATE TABLE events (id bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), payload jsonb,\n  PRIMARY KEY (id, created_at)) PARTITION BY RANGE (created_at);\nCREATE TABLE events_2026_01 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');",
    },
  },
  options: z.object({
    maxBytes: z
      .number()
      .int()
      .min(0)
      .default(10 * 1024 ** 3)
      .describe('Tables with at least this much data (heap and TOAST, bytes) are reported'),
    maxRows: z
      .number()
      .int()
      .min(0)
      .default(100_000_000)
      .describe('Tables with at least this many rows are reported'),
  }),
  check({ model, options, report }) {
    if (model.source !== 'live') return;
    // foreign keys that reference each table: they must follow the key change
    let referencing: Map<string, string[]> | null = null;
    const referencedBy = (table: TableInfo): string[] => {
      if (!referencing) {
        referencing = new Map();
        for (const other of model.snapshot.tables)
          for (const fk of foreignKeys(other)) {
            const list = referencing.get(fk.foreignKey!.referencedTable) ?? [];
            list.push(`${other.qualifiedName}.${fk.name}`);
            referencing.set(fk.foreignKey!.referencedTable, list);
          }
      }
      return referencing.get(table.qualifiedName) ?? [];
    };

    for (const table of model.tables) {
      if (table.kind !== 'table') continue;
      const rows = table.rowEstimate;
      const bytes = table.sizes.table;
      const big = (rows !== null && rows >= options.maxRows) || (bytes !== null && bytes >= options.maxBytes);
      if (!big) continue;
      const size = `~${formatCount(rows ?? 0)} rows, ${formatBytes(bytes)}`;
      const mix = writeMix(model, table);
      const key = creationTimeColumn(model, table);
      const location = { object: table.qualifiedName, kind: 'table' as const };
      if (!key) {
        report({
          message: `${table.qualifiedName} is not partitioned (${size}) and has no creation timestamp to partition by: partition it on the column most queries and the retention filter on (RANGE on a time, LIST on a tenant or region, HASH on an id), or archive the rows no one reads`,
          location,
          fix: null,
        });
        continue;
      }
      const appendOnly = mix?.insertOnly === true;
      const k = key.column.name;
      const fix = recipe(table, k, key.column.notNull, referencedBy(table));
      report({
        message: appendOnly
          ? `${table.qualifiedName} is not partitioned (${size}); rows are only added (${mix!.text}) and ${k} (${key.reason}) records when: partition it by RANGE (${k}), a partition per month — old months are then dropped instead of deleted, VACUUM and index builds work a month at a time, and queries on recent rows read only recent partitions`
          : `${table.qualifiedName} is not partitioned (${size}); ${k} (${key.reason}) is the key to consider, RANGE (${k}) with a partition per month, if queries and the retention filter on it${mix && mix.updates > 0 ? ` (rows are updated too: ${mix.text})` : ''}`,
        location,
        fix,
        severity: appendOnly ? 'warning' : undefined,
      });
    }

    function recipe(
      table: TableInfo,
      key: string,
      notNull: boolean,
      referencedBy: readonly string[],
    ): string {
      const t = tableSql(table);
      const q = (name: string) => `${identSql(table.schema)}.${identSql(name)}`;
      const k = identSql(key);
      const cut = monthStart(model.snapshot.takenAt, 2);
      const next = monthStart(model.snapshot.takenAt, 3);
      const after = monthStart(model.snapshot.takenAt, 4);
      const newName = objectName(table.name, 'partitioned');
      const oldName = objectName(table.name, 'before', cut.suffix);
      const check = freeConstraintName(table, objectName('chk', table.name, key, 'before'));
      const pk = table.constraints.find((c) => c.type === 'primary key');
      const uniques = table.constraints.filter((c) => c.type === 'unique' && !c.columns.includes(key));
      const pkColumns = pk ? (pk.columns.includes(key) ? pk.columns : [...pk.columns, key]) : null;
      const identities = table.columns.filter((c) => c.identity !== null);
      const serials = table.columns.filter((c) => c.identity === null && /^nextval\(/.test(c.default ?? ''));
      const ownFks = foreignKeys(table);
      const cols = (list: readonly string[]) => list.map((c) => identSql(c)).join(', ');
      const lines = [
        `-- partition ${table.qualifiedName} by RANGE (${key}), a partition per month; the existing rows become the first partition, without a copy`,
        ...(notNull ? [] : [`-- first make ${key} NOT NULL (rows with NULL cannot go in a range partition)`]),
        `-- 1. the partitioned table beside it; every primary key and unique key must include ${key}:`,
        `-- CREATE TABLE ${q(newName)} (LIKE ${t} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE (${k});`,
        ...(pkColumns ? [`-- ALTER TABLE ${q(newName)} ADD PRIMARY KEY (${cols(pkColumns)});`] : []),
        ...uniques.map(
          (u) =>
            `-- ALTER TABLE ${q(newName)} ADD UNIQUE (${cols([...u.columns, key])});  -- was ${u.name} (${u.columns.join(', ')})`,
        ),
        ...(ownFks.length > 0
          ? [
              `-- and its foreign keys (${ownFks.map((f) => f.name).join(', ')}), and the indexes the queries need`,
            ]
          : ['-- and the indexes the queries need']),
        `-- CREATE TABLE ${q(objectName(table.name, cut.suffix))} PARTITION OF ${q(newName)} FOR VALUES FROM (${literal(cut.date)}) TO (${literal(next.date)});`,
        `-- CREATE TABLE ${q(objectName(table.name, next.suffix))} PARTITION OF ${q(newName)} FOR VALUES FROM (${literal(next.date)}) TO (${literal(after.date)});`,
        '-- … a job (or pg_partman) creates the next months ahead and drops or detaches the old ones',
        `-- 2. prove the old rows' range while reads and writes go on (switch before ${cut.date}: from then on the CHECK refuses new rows):`,
        `-- ALTER TABLE ${t} ADD CONSTRAINT ${identSql(check)} CHECK (${k} < ${literal(cut.date)}) NOT VALID;`,
        `-- ALTER TABLE ${t} VALIDATE CONSTRAINT ${identSql(check)};`,
        // the old table's copies of the new keys, built without blocking writes: ATTACH adopts them
        ...(pkColumns && !pk!.columns.includes(key)
          ? [
              `-- CREATE UNIQUE INDEX CONCURRENTLY ${identSql(objectName(table.name, ...pkColumns, 'key'))} ON ${t} (${cols(pkColumns)});`,
            ]
          : []),
        ...uniques.map(
          (u) =>
            `-- CREATE UNIQUE INDEX CONCURRENTLY ${identSql(objectName(table.name, ...u.columns, key, 'key'))} ON ${t} (${cols([...u.columns, key])});`,
        ),
        ...(referencedBy.length > 0
          ? [
              `-- foreign keys that reference ${table.qualifiedName} must reference (${pkColumns ? pkColumns.join(', ') : key}) on the new table: ${referencedBy.join(', ')}`,
            ]
          : []),
        '-- 3. the switch, in one short transaction:',
        '-- BEGIN;',
        `-- ALTER TABLE ${t} RENAME TO ${identSql(oldName)};`,
        // the old keys give way to the new ones, which ATTACH builds from the indexes made above
        ...(pk && !pk.columns.includes(key)
          ? [`-- ALTER TABLE ${q(oldName)} DROP CONSTRAINT ${identSql(pk.name)};`]
          : []),
        ...uniques.map((u) => `-- ALTER TABLE ${q(oldName)} DROP CONSTRAINT ${identSql(u.name)};`),
        ...identities.map(
          (c) =>
            `-- ALTER TABLE ${q(oldName)} ALTER COLUMN ${identSql(c.name)} DROP IDENTITY;  -- the new parent generates ${c.name}`,
        ),
        `-- ALTER TABLE ${q(newName)} RENAME TO ${identSql(table.name)};`,
        `-- ALTER TABLE ${t} ATTACH PARTITION ${q(oldName)} FOR VALUES FROM (MINVALUE) TO (${literal(cut.date)});`,
        ...identities.map(
          (c) =>
            `-- ALTER TABLE ${t} ALTER COLUMN ${identSql(c.name)} ADD GENERATED ${c.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY (START WITH <max(${c.name}) + 1>);`,
        ),
        ...serials.map((c) => {
          const sequence = model.sequenceOf(table.qualifiedName, c.name);
          const name = sequence
            ? qualifiedIdent(sequence.schema, sequence.name)
            : `<the sequence of ${c.name}>`;
          return `-- ALTER SEQUENCE ${name} OWNED BY ${t}.${identSql(c.name)};  -- else dropping the old partition drops it`;
        }),
        '-- COMMIT;',
        `-- ALTER TABLE ${q(oldName)} DROP CONSTRAINT ${identSql(check)};  -- the partition bound says it now`,
      ];
      return lines.join('\n');
    }
  },
});
