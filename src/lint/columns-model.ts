import type { Location } from '../core/finding.js';
import type { TypeRef } from '../sql/types.js';

/** One column as declared: in a CREATE TABLE or ADD COLUMN (located in the file), or in a catalog (an object). */
export interface ColumnDeclaration {
  /** `schema.table` */
  readonly table: string;
  readonly column: string;
  /** Internal type name (`int4`, `timestamp`, `varchar`), as declared: serial types keep their name. */
  readonly type: TypeRef;
  readonly primaryKey: boolean;
  /** How many columns its primary key has (1: a key of its own), when it is part of one. */
  readonly primaryKeyColumns?: number;
  readonly identity: boolean;
  /** A serial type, or a default taken from a sequence the column owns. */
  readonly serial: boolean;
  readonly location: Location;
  /** The SQL that declares it can be fixed in place (a file), or only altered (a live database). */
  readonly source: 'sql' | 'catalog';
  /**
   * For a catalog column, its names as SQL (quoted as needed), for ALTER statements: the table (`schema.table`),
   * the column, and the sequence that feeds it (serial or identity), if any.
   */
  readonly sql?: {
    readonly table: string;
    readonly column: string;
    readonly sequence: string | null;
    /** The views (and materialized views) whose definition reads the column: its type cannot change under them. */
    readonly views?: readonly DependentView[];
  };
}

export interface DependentView {
  /** `schema.name`, quoted as needed. */
  readonly sql: string;
  readonly materialized: boolean;
  /** As pg_get_viewdef() prints it, without the final semicolon. */
  readonly definition: string;
}

/**
 * A fix that changes a catalog column's type (`alter`: the ALTER TABLE and its comments), made to run when views
 * read the column: PostgreSQL refuses ALTER COLUMN … TYPE under a view, so the views are dropped and created again
 * around it, in one transaction.
 */
export function typeChangeFix(column: ColumnDeclaration, alter: string): string {
  const views = column.sql?.views ?? [];
  if (views.length === 0) return alter;
  const kind = (v: DependentView) => (v.materialized ? 'MATERIALIZED VIEW' : 'VIEW');
  return [
    `-- ${views.map((v) => v.sql).join(', ')} read the column: dropped and created again around the change (grants and comments on them must be given again)`,
    'BEGIN;',
    ...views.map((v) => `DROP ${kind(v)} ${v.sql};`),
    alter,
    ...views.map((v) => `CREATE ${kind(v)} ${v.sql} AS\n${v.definition};`),
    'COMMIT;',
  ].join('\n');
}

/** The model of `columns` rules: the columns a file declares, or those of a database. */
export interface ColumnsModel {
  readonly columns: readonly ColumnDeclaration[];
}
