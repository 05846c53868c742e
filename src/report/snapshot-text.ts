import type { CatalogSnapshot, ColumnInfo, TableInfo } from '../catalog/model.js';
import { formatBytes, formatCount } from '../core/format.js';
import type { Colors } from './text.js';

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text.padEnd(width);
}

function plural(count: number, word: string, words = `${word}s`): string {
  return `${formatCount(count)} ${count === 1 ? word : words}`;
}

/** The text form of a catalog snapshot (the whole database) for `pgwarden inspect`. */
export function renderSnapshot(snapshot: CatalogSnapshot, source: string, c: Colors): string {
  const out: string[] = [];
  out.push(c.bold(`Catalog of ${source}`));
  out.push(
    c.dim(
      `PostgreSQL ${snapshot.server.version}, user ${snapshot.server.currentUser}, taken ${snapshot.takenAt}`,
    ),
  );
  const kinds = new Map<string, number>();
  for (const table of snapshot.tables) kinds.set(table.kind, (kinds.get(table.kind) ?? 0) + 1);
  const kindText = [...kinds].map(([kind, count]) => plural(count, kind)).join(', ');
  const indexCount = snapshot.tables.reduce((sum, t) => sum + t.indexes.length, 0);
  out.push(
    `${plural(snapshot.schemas.length, 'schema')} · ${kindText || 'no tables'} · ${plural(indexCount, 'index', 'indexes')} · ` +
      `${plural(snapshot.sequences.length, 'sequence')} · ${plural(snapshot.functions.length, 'function')} · ` +
      `${plural(snapshot.types.length, 'type')} · ${plural(snapshot.roles.length, 'role')} · ${plural(snapshot.extensions.length, 'extension')}`,
  );
  for (const table of snapshot.tables) {
    out.push('', renderTable(table, c));
  }
  if (snapshot.types.length > 0) {
    out.push('', c.bold('Types'));
    for (const type of snapshot.types) {
      const detail =
        type.kind === 'enum' ? `(${type.labels.join(', ')})` : type.baseType ? `over ${type.baseType}` : '';
      out.push(`  ${pad(`${type.schema}.${type.name}`, 32)}${type.kind} ${detail}`.trimEnd());
    }
  }
  if (snapshot.sequences.length > 0) {
    out.push('', c.bold('Sequences'));
    for (const sequence of snapshot.sequences) {
      const owner = sequence.ownedBy ? ` · owned by ${sequence.ownedBy}` : '';
      out.push(
        `  ${pad(sequence.qualifiedName, 32)}${sequence.dataType} · last value ${sequence.lastValue ?? 'none'} of ${sequence.max}${owner}`,
      );
    }
  }
  if (snapshot.functions.length > 0) {
    out.push('', c.bold('Functions'));
    for (const fn of snapshot.functions) {
      const flags = [
        fn.language,
        fn.volatility,
        fn.securityDefiner ? 'security definer' : '',
        fn.extension ? `extension ${fn.extension}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      out.push(
        `  ${fn.schema}.${fn.name}(${fn.arguments})${fn.returns ? ` → ${fn.returns}` : ''}  ${c.dim(flags)}`,
      );
    }
  }
  out.push('', c.bold('Roles'));
  for (const role of snapshot.roles) {
    const flags = [
      role.superuser && 'superuser',
      role.canLogin && 'login',
      role.createDb && 'createdb',
      role.createRole && 'createrole',
      role.replication && 'replication',
      role.bypassRls && 'bypassrls',
    ].filter(Boolean);
    const member = role.memberOf.length > 0 ? ` · member of ${role.memberOf.join(', ')}` : '';
    out.push(`  ${pad(role.name, 32)}${flags.join(', ') || 'no login'}${member}`);
  }
  if (snapshot.extensions.length > 0) {
    out.push('', c.bold('Extensions'));
    for (const extension of snapshot.extensions)
      out.push(`  ${pad(extension.name, 32)}${extension.version} in ${extension.schema}`);
  }
  return out.join('\n');
}

function columnLine(column: ColumnInfo, nameWidth: number, typeWidth: number): string {
  const details: string[] = [];
  if (column.notNull) details.push('not null');
  if (column.identity) details.push(`identity ${column.identity}`);
  if (column.generated) details.push(`generated ${column.generated} as ${column.generationExpression}`);
  if (column.default !== null) details.push(`default ${column.default}`);
  if (column.collation) details.push(`collate ${column.collation}`);
  return `    ${pad(column.name, nameWidth)}${pad(column.type, typeWidth)}${details.join(', ')}`.trimEnd();
}

export function renderTable(table: TableInfo, c: Colors): string {
  const out: string[] = [];
  const facts: string[] = [table.kind];
  if (table.persistence !== 'permanent') facts.push(table.persistence);
  if (table.rowEstimate !== null) facts.push(`~${formatCount(table.rowEstimate)} rows`);
  if (table.sizes.total !== null) {
    facts.push(
      `${formatBytes(table.sizes.total)} (table ${formatBytes(table.sizes.table)}, indexes ${formatBytes(table.sizes.indexes)})`,
    );
  }
  if (table.extension) facts.push(`extension ${table.extension}`);
  out.push(`${c.bold(c.cyan(table.qualifiedName))}  ${c.dim(facts.join(' · '))}`);
  if (table.comment) out.push(`  ${c.dim(`"${table.comment}"`)}`);
  if (table.partitioning) out.push(`  partitioned by ${table.partitioning.key}`);
  if (table.partitionOf) out.push(`  partition of ${table.partitionOf.parent} ${table.partitionOf.bound}`);

  const nameWidth = Math.max(8, ...table.columns.map((col) => col.name.length + 2));
  const typeWidth = Math.max(8, ...table.columns.map((col) => col.type.length + 2));
  out.push(`  ${c.dim('columns')}`);
  for (const column of table.columns) out.push(columnLine(column, nameWidth, typeWidth));

  if (table.constraints.length > 0) {
    out.push(`  ${c.dim('constraints')}`);
    const width = Math.max(...table.constraints.map((con) => con.name.length + 2));
    for (const constraint of table.constraints) {
      const flags = [
        !constraint.validated && 'NOT VALID',
        constraint.deferrable && 'deferrable',
        constraint.inherited && 'inherited',
      ]
        .filter(Boolean)
        .join(', ');
      out.push(
        `    ${pad(constraint.name, width)}${constraint.definition}${flags ? c.yellow(`  [${flags}]`) : ''}`,
      );
    }
  }
  if (table.indexes.length > 0) {
    out.push(`  ${c.dim('indexes')}`);
    const width = Math.max(...table.indexes.map((index) => index.name.length + 2));
    for (const index of table.indexes) {
      const keys = index.columns.map((col) => col ?? '(expression)').join(', ');
      const flags = [
        index.primary ? 'primary' : index.unique ? 'unique' : '',
        index.predicate ? `where ${index.predicate}` : '',
        index.include.length > 0 ? `include (${index.include.join(', ')})` : '',
        index.valid ? '' : c.red('INVALID'),
        index.size !== null ? formatBytes(index.size) : '',
        index.scans !== null ? plural(index.scans, 'scan') : '',
      ].filter(Boolean);
      out.push(
        `    ${pad(index.name, width)}${index.method} (${index.expressions && !index.columns.some(Boolean) ? index.expressions : keys})  ${c.dim(flags.join(' · '))}`.trimEnd(),
      );
    }
  }
  if (table.triggers.length > 0) {
    out.push(`  ${c.dim('triggers')}`);
    for (const trigger of table.triggers) {
      out.push(
        `    ${trigger.name}  ${trigger.timing} ${trigger.events.join(' or ')} for each ${trigger.level} → ${trigger.function}${trigger.enabled ? '' : c.yellow(' [disabled]')}`,
      );
    }
  }
  if (table.rowSecurity.enabled || table.policies.length > 0) {
    out.push(
      `  ${c.dim('row level security')} ${table.rowSecurity.enabled ? 'enabled' : c.yellow('disabled')}${table.rowSecurity.forced ? ', forced' : ''}`,
    );
    for (const policy of table.policies) {
      const parts = [
        `${policy.permissive ? 'permissive' : 'restrictive'} for ${policy.command} to ${policy.roles.join(', ')}`,
        policy.using ? `using (${policy.using})` : '',
        policy.withCheck ? `with check (${policy.withCheck})` : '',
      ].filter(Boolean);
      out.push(`    ${policy.name}  ${parts.join(' ')}`);
    }
  }
  if (table.definition)
    out.push(
      `  ${c.dim('definition')}`,
      ...table.definition
        .trim()
        .split('\n')
        .map((line) => `    ${line}`),
    );
  return out.join('\n');
}
