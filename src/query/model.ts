import type { FileLocation } from '../core/finding.js';
import type { Node } from '../sql/ast.js';
import type { LiteralKind } from './extract.js';
import type { QuerySchema } from './schema.js';
import type { Resolution } from './scope.js';
import type { StatementText } from './text.js';

/** Where a statement was written. */
export type QueryOrigin =
  | { readonly kind: 'sql-file' }
  | { readonly kind: 'command-line' }
  | {
      readonly kind: 'code';
      readonly literal: LiteralKind;
      /** The template's tag (`sql`, `sql.unsafe`), or null. */
      readonly tag: string | null;
      /** The `$n` parameters that stand for interpolated or concatenated code, with that code. */
      readonly parameters: ReadonlyMap<number, string>;
    };

/** The statement kinds the query rules read: application SQL. */
export const QUERY_KINDS = ['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt'] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

/** One SELECT, INSERT, UPDATE, DELETE or MERGE statement of the application. */
export interface QueryStatement {
  readonly file: string;
  readonly origin: QueryOrigin;
  readonly kind: QueryKind;
  /** The statement's AST: `{ [kind]: payload }`. */
  readonly ast: Node;
  /** The statement's SQL, with spans of AST nodes and edits for fixes. */
  readonly sql: StatementText;
  /** Where the statement starts in its file (in a code file: in the literal). */
  readonly location: FileLocation;
  /** Where an AST node's `location` is in the file; the statement's start when it has none. */
  locate(location: number | undefined): FileLocation;
  /** Where a character offset of `sql.text` is in the file. */
  locateOffset(offset: number): FileLocation;
  /** Which relation each name stands for, level by level. */
  readonly names: Resolution;
}

/** The model of `query` rules: the queries of one file, and the schema they run against when one is known. */
export interface QueryModel {
  readonly file: string;
  readonly statements: readonly QueryStatement[];
  /** Null without --db, --schema or --migrations: rules that need the schema stay silent or say less. */
  readonly schema: QuerySchema | null;
  /** A code file the JavaScript/TypeScript parser could not read: no SQL could be taken from it. */
  readonly codeError: { readonly message: string; readonly location: FileLocation } | null;
}
