import { createHash } from '../core/hash.js';
import type { CatalogSnapshot } from './model.js';

/**
 * A schema's fingerprint: a stable hash of what the schema is (tables, columns, constraints, indexes, policies,
 * triggers, views, sequences, functions, types, extensions) and nothing of what it holds or how it is used (no
 * sizes, statistics, row estimates, sequence positions or oids). Kept per object, so that two fingerprints can
 * say which objects differ. Column order is its own object, so a difference in order alone can be told apart.
 */
export interface SchemaFingerprint {
  /** sha256 over every object's hash. */
  readonly hash: string;
  /** `kind:name` → hash of that object's canonical description. */
  readonly objects: Readonly<Record<string, string>>;
}

export interface SchemaDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  /** The only differences are in column order. */
  readonly orderOnly: boolean;
}

const sha = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** Objects of these schemas are left out (pgwarden's own history lives in `pgwarden`). */
export function fingerprintSchema(
  snapshot: CatalogSnapshot,
  excludeSchemas: readonly string[] = ['pgwarden'],
): SchemaFingerprint {
  const excluded = new Set(excludeSchemas);
  const objects: Record<string, string> = {};
  const put = (key: string, value: unknown) => {
    objects[key] = sha(value);
  };
  for (const schema of snapshot.schemas)
    if (!excluded.has(schema.name)) put(`schema:${schema.name}`, { owner: schema.owner });
  for (const table of snapshot.tables) {
    if (excluded.has(table.schema) || table.extension) continue;
    const name = table.qualifiedName;
    put(`${table.kind}:${name}`, [
      table.persistence,
      table.partitioning,
      table.partitionOf,
      table.rowSecurity,
      table.definition,
    ]);
    for (const c of table.columns) {
      put(`column:${name}.${c.name}`, [
        c.type,
        c.notNull,
        c.default,
        c.identity,
        c.generated,
        c.generationExpression,
        c.collation,
      ]);
    }
    put(
      `column order:${name}`,
      table.columns.map((c) => c.name),
    );
    for (const c of table.constraints)
      put(`constraint:${name}.${c.name}`, [
        c.type,
        c.definition,
        c.validated,
        c.deferrable,
        c.initiallyDeferred,
      ]);
    for (const i of table.indexes) put(`index:${i.qualifiedName}`, [i.definition, i.valid]);
    for (const p of table.policies)
      put(`policy:${name}.${p.name}`, [p.command, p.permissive, [...p.roles].sort(), p.using, p.withCheck]);
    for (const t of table.triggers) put(`trigger:${name}.${t.name}`, [t.definition, t.enabled]);
  }
  for (const sequence of snapshot.sequences) {
    if (excluded.has(sequence.schema)) continue;
    put(`sequence:${sequence.qualifiedName}`, [
      sequence.dataType,
      sequence.increment,
      sequence.min,
      sequence.max,
      sequence.cycle,
      sequence.ownedBy,
    ]);
  }
  for (const fn of snapshot.functions) {
    if (excluded.has(fn.schema) || fn.extension) continue;
    put(`${fn.kind}:${fn.schema}.${fn.name}(${fn.arguments})`, [
      fn.returns,
      fn.language,
      fn.volatility,
      fn.securityDefiner,
      fn.bodyHash,
    ]);
  }
  for (const type of snapshot.types) {
    if (excluded.has(type.schema) || type.extension) continue;
    put(`type:${type.schema}.${type.name}`, [type.kind, type.labels, type.baseType]);
  }
  for (const extension of snapshot.extensions)
    put(`extension:${extension.name}`, [extension.version, extension.schema]);
  const sorted = Object.keys(objects).sort();
  return {
    hash: sha(sorted.map((key) => [key, objects[key]])),
    objects: Object.fromEntries(sorted.map((key) => [key, objects[key]!])),
  };
}

export function diffFingerprints(before: SchemaFingerprint, after: SchemaFingerprint): SchemaDiff {
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  for (const key of Object.keys(after.objects)) {
    if (!(key in before.objects)) added.push(key);
    else if (before.objects[key] !== after.objects[key]) changed.push(key);
  }
  for (const key of Object.keys(before.objects)) if (!(key in after.objects)) removed.push(key);
  const all = [...added, ...removed, ...changed];
  return {
    added,
    removed,
    changed,
    orderOnly: all.length > 0 && all.every((key) => key.startsWith('column order:')),
  };
}

export function describeDiff(diff: SchemaDiff, limit = 12): string {
  const parts = [
    ...diff.added.map((o) => `+ ${o}`),
    ...diff.removed.map((o) => `- ${o}`),
    ...diff.changed.map((o) => `~ ${o}`),
  ];
  const shown = parts.slice(0, limit).join(', ');
  return parts.length > limit ? `${shown}, and ${parts.length - limit} more` : shown;
}
