import type { ParsedSql } from '../sql/parser.js';

export type { SuppressionsModel } from '../core/suppression.js';
export type { ColumnDeclaration, ColumnsModel } from '../lint/columns-model.js';

/** The model of `sql` rules: one parsed SQL file. */
export type SqlModel = ParsedSql;

/** The model of `catalog` rules: the schema under review (see src/schema/model.ts). */
export type { ColumnStats, SchemaModel } from '../schema/model.js';
