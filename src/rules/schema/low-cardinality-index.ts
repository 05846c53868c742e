import { z } from 'zod';
import type { IndexInfo, TableInfo } from '../../catalog/model.js';
import { defineRule } from '../../core/rule.js';
import { backsConstraint, servesForeignKey } from '../../schema/indexes.js';
import {
  buildIndexStatements,
  dropIndexStatement,
  identSql,
  literal,
  NameRegistry,
  objectName,
  rowsOf,
} from '../../schema/keys.js';
import { templateName } from '../../schema/naming.js';
import type { SchemaModel } from '../models.js';

interface Options {
  maxDistinct: number;
  commonShare: number;
  minRows: number;
}

/** What part of a value can go into a name: lower-case letters, digits and underscores. */
function nameWord(value: string): string | null {
  const word = value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return word.length > 0 && word.length <= 20 ? word : null;
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/low-cardinality-index',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Btree index led by a boolean or a column with very few distinct values',
  reportsOn: ['index'],
  docs: {
    why: "A btree index on a column with two or three values (a boolean, a status where nearly every row is 'done') cannot narrow a search to a few rows for the common values: the planner reads the table instead, and the index is maintained by every write for nothing. It only helps to find the rare value — and a partial index (`WHERE NOT processed`, `WHERE status <> 'done'`) does that at a fraction of the size, and shrinks as the rare rows are processed. Reported: a non-unique, non-partial btree index whose leading column is boolean (on any database), or, on a live database with statistics, of a table of at least `minRows` rows, a single-column index whose column has at most `maxDistinct` values with the most common covering at least `commonShare` of the rows. Not reported: indexes that serve a foreign key (its checks need them), indexes led by the tenancy column (schema.tenancy.column: a tenant's rows are what every query looks for), unique and constraint indexes. A multi-column index led by a boolean, like (is_active, created_at), is reported as information: it works as two indexes side by side, and when the queries ask for one value only, a partial index on the following columns (`(created_at) WHERE is_active`) is smaller; one led by a low-cardinality column that is not boolean, like (status, created_at), is the usual shape for queues and is left alone.",
    howToFix:
      'Replace the index by a partial index on the rare value, built CONCURRENTLY, then drop the old one CONCURRENTLY. On a live database the fix reads the values from the statistics; on a shadow one it assumes `true` is the rare value of a boolean — check that the queries ask for it. When neither value is rare (a boolean about half true), the index helps no query: drop it. For a multi-column index led by a boolean, check which value the queries ask for before replacing it by a partial index on the following columns.',
    examples: {
      bad: 'CREATE INDEX idx_jobs_processed ON jobs (processed);',
      good: 'CREATE INDEX idx_jobs_processed_false ON jobs (processed) WHERE NOT processed;',
    },
  },
  options: z.object({
    maxDistinct: z
      .number()
      .int()
      .min(2)
      .default(5)
      .describe('A column with at most this many distinct values is low-cardinality (live, with statistics)'),
    commonShare: z
      .number()
      .gt(0)
      .lte(1)
      .default(0.5)
      .describe('…when its most common value covers at least this share of the rows'),
    minRows: z
      .number()
      .int()
      .min(0)
      .default(10_000)
      .describe('Tables with fewer rows are left alone by the statistics-based check'),
  }),
  check({ model, options, report }) {
    const tenant = model.conventions.tenancy.mode === 'off' ? null : model.conventions.tenancy.column;
    let names: NameRegistry | undefined;
    for (const table of model.tables) {
      for (const index of table.indexes) {
        const leading = index.columns[0];
        if (leading === null || leading === undefined || leading === tenant) continue;
        if (!index.valid || index.method !== 'btree' || index.predicate !== null) continue;
        if (index.unique || backsConstraint(index) || servesForeignKey(table, index)) continue;
        const column = table.columns.find((c) => c.name === leading);
        if (!column || column.isArray) continue;
        const boolean = column.typeName === 'bool';
        const single = index.columns.length === 1 && index.expressions === null;
        const stats = model.columnStats(table.qualifiedName, leading);
        if (!boolean) {
          if (!single || !stats || stats.distinct === null || stats.distinctGrowsWithTable) continue;
          const rows = rowsOf(model, table);
          const top = stats.mostCommon?.[0];
          if (rows === null || rows < options.minRows || stats.distinct > options.maxDistinct) continue;
          if (!top || top.frequency < options.commonShare) continue;
        }
        names ??= new NameRegistry(model);
        report(finding(model, table, index, boolean, single, names));
      }
    }
  },
});

function finding(
  model: SchemaModel,
  table: TableInfo,
  index: IndexInfo,
  boolean: boolean,
  single: boolean,
  names: NameRegistry,
) {
  const leading = index.columns[0]!;
  const c = identSql(leading);
  const location = { object: index.qualifiedName, kind: 'index' as const };
  const stats = model.columnStats(table.qualifiedName, leading);
  const common = stats?.mostCommon ?? [];
  const shares = common
    .slice(0, 5)
    .map((v) => `${v.value} ${Math.round(v.frequency * 100)}%`)
    .join(', ');
  const spread = shares ? ` (${shares})` : '';
  if (!single) {
    const rest = index.columns.slice(1).map((k) => k ?? '<expression>');
    return {
      message: `index ${index.qualifiedName} on ${table.qualifiedName} is led by the boolean ${leading}${spread}: it works as two indexes side by side; if the queries ask for one value, a partial index on (${rest.join(', ')}) WHERE that value is smaller`,
      location,
      severity: 'info' as const,
      fix: null,
    };
  }
  // the rare value and its predicate
  let predicate: string | null;
  let suffix: string;
  let note = '';
  if (boolean) {
    const share = (v: string) => common.find((x) => x.value === v)?.frequency ?? 0;
    const t = share('true') || share('t');
    const f = share('false') || share('f');
    const known = stats !== undefined && common.length > 0;
    if (known && Math.min(t, f) >= 0.2) {
      predicate = null;
      suffix = '';
    } else if (known && f < t) {
      predicate = `NOT ${c}`;
      suffix = 'false';
    } else {
      predicate = c;
      suffix = 'true';
      if (!known)
        note = '-- assumes true is the rare value that queries look for: use WHERE NOT … otherwise\n';
    }
  } else {
    const top = common[0]!;
    predicate = `${c} <> ${literal(top.value)}`;
    suffix = `not_${nameWord(top.value) ?? 'common'}`;
  }
  const drop = dropIndexStatement(table, index);
  if (predicate === null) {
    return {
      message: `index ${index.qualifiedName} on ${table.qualifiedName} is on the boolean ${leading}${spread}: neither value is rare enough for the index to beat reading the table`,
      location,
      fix: drop,
    };
  }
  const name = names.free(
    table.schema,
    objectName('idx', templateName(table.name), templateName(leading), suffix),
  );
  const build = buildIndexStatements(model, table, { name, keys: c, predicate }, names);
  return {
    message: `index ${index.qualifiedName} on ${table.qualifiedName} is on ${boolean ? 'the boolean ' : ''}${leading}${boolean ? '' : `, which has ${stats!.distinct} distinct values`}${spread}: it cannot narrow a search for the common value; a partial index WHERE ${predicate} serves the rare rows at a fraction of the size`,
    location,
    fix: `${note}${[...build, drop].join('\n')}`,
  };
}
