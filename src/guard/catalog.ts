import type { Connection } from '../db/connection.js';
import type { SqlStatement } from '../sql/parser.js';
import type { GuardCatalog, GuardItem } from './plan.js';

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'`;

/** Every name a statement mentions (relation names, and every string: the column types the plan may need). */
function mentionedNames(statements: readonly Pick<SqlStatement, 'ast'>[]): string[] {
  const names = new Set<string>();
  const visit = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    const record = value as Record<string, unknown>;
    if (typeof record.relname === 'string') names.add(record.relname);
    if (typeof record.sval === 'string') names.add(record.sval);
    for (const v of Object.values(record)) visit(v);
  };
  visit(statements.map((s) => s.ast));
  return [...names];
}

// A function as the plan reads it; its definition only when the migration names it (else null).
const FUNCTION_JSON = `json_build_object('schema', n.nspname, 'name', p.proname, 'volatile', p.provolatile = 'v',
  'procedure', p.prokind = 'p', 'language', (SELECT lanname FROM pg_language WHERE oid = p.prolang),
  'extension', EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e'),
  'definition', CASE WHEN p.prokind IN ('f', 'p') AND (p.provolatile = 'v' OR p.prokind = 'p') AND p.proname = ANY($1::text[])
                     THEN pg_get_functiondef(p.oid) END)`;

/**
 * The catalog of the target database as the migration's first statement will see it (read on its connection,
 * inside its transaction): schemas, relations, user functions, relations whose triggers or rules run code, and
 * the column types of the relations the migration names.
 */
export async function loadGuardCatalog(
  connection: Connection,
  statements: readonly Pick<SqlStatement, 'ast'>[],
): Promise<GuardCatalog> {
  const [row] = await connection.rows<{
    search_path: string;
    user: string;
    schemas: string[] | null;
    relations: GuardCatalog['relations'] | null;
    functions: GuardCatalog['functions'] | null;
    writers: GuardCatalog['writers'] | null;
    event_triggers: string[] | null;
    column_types: Record<string, string> | null;
  }>(
    'reading the catalog for the guard',
    `SELECT current_setting('search_path') AS search_path, current_user AS "user",
       (SELECT json_agg(nspname) FROM pg_namespace) AS schemas,
       (SELECT json_agg(json_build_object('oid', c.oid::int8, 'schema', n.nspname, 'name', c.relname, 'kind', c.relkind))
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND ${USER_SCHEMAS}) AS relations,
       (SELECT json_agg(${FUNCTION_JSON}) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')) AS functions,
       (SELECT json_object_agg(rel::text, what) FROM (
          SELECT rel, json_agg(json_build_object('what', what, 'code', code) ORDER BY what) AS what FROM (
            SELECT t.tgrelid AS rel, 'trigger ' || t.tgname || ' (' || p.proname || '())' AS what,
                   ${FUNCTION_JSON.replace('p.proname = ANY($1::text[])', 'true')} AS code
              FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND p.provolatile = 'v'
            UNION ALL
            SELECT r.ev_class, 'rule ' || r.rulename, NULL FROM pg_rewrite r
             WHERE r.rulename <> '_RETURN' AND r.ev_enabled <> 'D'
          ) w GROUP BY rel) g) AS writers,
       (SELECT json_agg(e.evtname ORDER BY e.evtname) FROM pg_event_trigger e WHERE e.evtenabled <> 'D') AS event_triggers,
       (SELECT json_object_agg(a.attrelid::text || '.' || a.attname, format_type(a.atttypid, a.atttypmod))
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         WHERE c.relname = ANY($1::text[]) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped) AS column_types`,
    [mentionedNames(statements)],
  );
  return {
    searchPath: row!.search_path,
    user: row!.user,
    schemas: row!.schemas ?? [],
    relations: (row!.relations ?? []).map((r) => ({ ...r, oid: Number(r.oid) })),
    functions: row!.functions ?? [],
    writers: row!.writers ?? {},
    eventTriggers: row!.event_triggers ?? [],
    columnTypes: row!.column_types ?? {},
  };
}

/** A relation the guard backs up, as it is before the migration. */
export interface ReachedRelation {
  readonly oid: number;
  /** `schema.name`. */
  readonly name: string;
  readonly schema: string;
  readonly relname: string;
  /** pg_class.relkind: r, p, m, v, f or S. */
  readonly kind: string;
  /** A materialized view whose data is there to count. */
  readonly populated: boolean;
}

const RELATION_COLUMNS = `c.oid::int8 AS oid, n.nspname || '.' || c.relname AS name, n.nspname AS schema, c.relname,
  c.relkind::text AS kind, c.relispopulated AS populated`;

/**
 * What the planned statements reach on the live catalog: the relations they name, and what goes with them —
 * partitions and inheritance children; tables foreign keys carry TRUNCATE … CASCADE, ON DELETE / ON UPDATE
 * actions to; and, for DROP (and DROP … CASCADE), every object depending on what is dropped (pg_depend): views and
 * materialized views, tables losing a column of a dropped type, a foreign key, a default or a trigger, the members
 * of a dropped extension. Schemas dropped: every relation in them.
 */
export async function reachedRelations(
  connection: Connection,
  items: readonly GuardItem[],
): Promise<{ relations: ReachedRelation[]; schemas: string[] }> {
  const targets = items.flatMap((i) =>
    i.targets
      .filter((t) => t.oid !== null)
      .map((t) => ({ oid: t.oid, mode: t.mode, cascade: t.cascade, col: t.column ?? null })),
  );
  const objects = items.flatMap((i) => i.objects);
  const schemas = [...new Set(items.flatMap((i) => i.schemas))];
  if (targets.length === 0 && objects.length === 0 && schemas.length === 0)
    return { relations: [], schemas: [] };
  const rows = await connection.rows<ReachedRelation & { oid: string }>(
    'finding what the destructive statements reach',
    `WITH RECURSIVE input AS (
       SELECT * FROM json_to_recordset($1::json) AS x(oid oid, mode text, cascade boolean, col text)
     ), named(kind, name) AS (
       SELECT o->>'type', o->>'name' FROM json_array_elements($2::json) o
     ), start(classid, objid, objsubid, cascade) AS (
       SELECT 'pg_class'::regclass::oid, i.oid, 0, i.cascade FROM input i WHERE i.mode = 'drop'
       UNION ALL
       SELECT 'pg_class'::regclass::oid, i.oid, a.attnum::int, i.cascade FROM input i
         JOIN pg_attribute a ON a.attrelid = i.oid AND a.attname = i.col WHERE i.mode = 'column'
       UNION ALL
       SELECT 'pg_namespace'::regclass::oid, n.oid, 0, true FROM pg_namespace n WHERE n.nspname = ANY($3::text[])
       UNION ALL
       -- types and domains by name, in whichever schema (one too many is cheap)
       SELECT 'pg_type'::regclass::oid, t.oid, 0, true FROM named d JOIN pg_type t
           ON t.typname = split_part(d.name, '.', array_length(string_to_array(d.name, '.'), 1))
        WHERE d.kind IN ('type', 'domain')
       UNION ALL
       SELECT 'pg_extension'::regclass::oid, e.oid, 0, true FROM named d JOIN pg_extension e ON e.extname = d.name
        WHERE d.kind = 'extension'
       UNION ALL
       SELECT 'pg_proc'::regclass::oid, p.oid, 0, true FROM named d
         JOIN pg_proc p ON p.proname = split_part(d.name, '.', array_length(string_to_array(d.name, '.'), 1))
        WHERE d.kind IN ('function', 'procedure', 'routine')
       UNION ALL
       SELECT 'pg_collation'::regclass::oid, c.oid, 0, true FROM named d
         JOIN pg_collation c ON c.collname = split_part(d.name, '.', array_length(string_to_array(d.name, '.'), 1))
        WHERE d.kind = 'collation'
     ), dropped(classid, objid, objsubid, cascade) AS (
       SELECT * FROM start
       UNION
       SELECT nx.classid, nx.objid, nx.objsubid, p.cascade FROM dropped p CROSS JOIN LATERAL (
         SELECT d.classid, d.objid, d.objsubid FROM pg_depend d
          WHERE d.refclassid = p.classid AND d.refobjid = p.objid AND (p.objsubid = 0 OR d.refobjsubid = p.objsubid)
            AND (d.deptype IN ('a', 'i', 'e') OR (p.cascade AND d.deptype = 'n'))
         UNION ALL
         -- dropping a view's rewrite rule drops the view
         SELECT 'pg_class'::regclass::oid, r.ev_class, 0 FROM pg_rewrite r
          WHERE p.classid = 'pg_rewrite'::regclass AND r.oid = p.objid AND r.rulename = '_RETURN'
       ) nx
     ), dropped_relations AS (
       SELECT CASE d.classid
           WHEN 'pg_class'::regclass THEN d.objid
           WHEN 'pg_rewrite'::regclass THEN (SELECT ev_class FROM pg_rewrite WHERE oid = d.objid)
           WHEN 'pg_constraint'::regclass THEN (SELECT nullif(conrelid, 0) FROM pg_constraint WHERE oid = d.objid)
           WHEN 'pg_attrdef'::regclass THEN (SELECT adrelid FROM pg_attrdef WHERE oid = d.objid)
           WHEN 'pg_trigger'::regclass THEN (SELECT tgrelid FROM pg_trigger WHERE oid = d.objid)
           WHEN 'pg_policy'::regclass THEN (SELECT polrelid FROM pg_policy WHERE oid = d.objid)
         END AS oid FROM dropped d
     ), touched(oid, mode, cascade) AS (
       SELECT i.oid, i.mode, i.cascade FROM input i WHERE i.mode <> 'drop'
       UNION
       SELECT nx.oid, nx.mode, t.cascade FROM touched t CROSS JOIN LATERAL (
         SELECT h.inhrelid AS oid, t.mode FROM pg_inherits h WHERE h.inhparent = t.oid
         UNION ALL
         SELECT f.conrelid, CASE WHEN t.mode = 'truncate' THEN 'truncate' WHEN t.mode = 'delete' AND f.confdeltype = 'c' THEN 'delete' ELSE 'update' END
           FROM pg_constraint f
          WHERE f.contype = 'f' AND f.confrelid = t.oid
            AND ((t.mode = 'truncate' AND t.cascade) OR (t.mode = 'delete' AND f.confdeltype IN ('c', 'n', 'd'))
                 OR (t.mode = 'update' AND f.confupdtype IN ('c', 'n', 'd')))
       ) nx
     ), everything AS (
       SELECT oid FROM dropped_relations UNION SELECT oid FROM touched
     )
     SELECT DISTINCT ${RELATION_COLUMNS}
       FROM everything e JOIN pg_class c ON c.oid = e.oid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'm', 'v', 'f', 'S') AND ${USER_SCHEMAS}
      ORDER BY 2`,
    [JSON.stringify(targets), JSON.stringify(objects), schemas],
  );
  const present = await connection.rows<{ name: string }>(
    'listing the schemas to back up',
    'SELECT nspname AS name FROM pg_namespace WHERE nspname = ANY($1::text[]) ORDER BY 1',
    [schemas],
  );
  return { relations: rows.map((r) => ({ ...r, oid: Number(r.oid) })), schemas: present.map((r) => r.name) };
}

/** Every relation of the database's own schemas (the conservative backup), and the bytes they hold. */
export async function everyRelation(
  connection: Connection,
): Promise<{ relations: ReachedRelation[]; schemas: string[]; bytes: number }> {
  const rows = await connection.rows<ReachedRelation & { oid: string; bytes: string }>(
    'listing every relation for a conservative backup',
    `SELECT ${RELATION_COLUMNS}, pg_total_relation_size(c.oid)::int8 AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'm', 'v', 'f', 'S') AND ${USER_SCHEMAS}
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
      ORDER BY 2`,
  );
  const schemas = await connection.rows<{ name: string }>(
    'listing the schemas for a conservative backup',
    `SELECT n.nspname AS name FROM pg_namespace n WHERE ${USER_SCHEMAS} ORDER BY 1`,
  );
  return {
    relations: rows.map(({ bytes: _bytes, ...r }) => ({ ...r, oid: Number(r.oid) })),
    schemas: schemas.map((s) => s.name),
    bytes: rows.reduce((sum, r) => sum + Number(r.bytes), 0),
  };
}
