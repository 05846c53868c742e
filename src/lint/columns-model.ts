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
  readonly sql?: { readonly table: string; readonly column: string; readonly sequence: string | null };
}

/** The model of `columns` rules: the columns a file declares, or those of a database. */
export interface ColumnsModel {
  readonly columns: readonly ColumnDeclaration[];
}
