/**
 * SQL quoting, in one place: identifiers as PostgreSQL's quote_ident() writes them, and text literals.
 *
 * The keyword table is the grammar's own: the keywords that libpg-query's scanner (PostgreSQL 18's kwlist.h)
 * classifies as reserved, type-or-function-name or column-name. PostgreSQL 18's list holds every keyword of those
 * categories of the older majors, so quoting by it is safe on all of them (test/sql/quote.test.ts checks the table
 * against the scanner and against the servers' pg_get_keywords()).
 */

/** A keyword's category, as pg_get_keywords() names it; unreserved keywords are not listed here. */
export type QuotedKeywordCategory = 'reserved' | 'type or function name' | 'column name';

const RESERVED = `all analyse analyze and any array as asc asymmetric both case cast check collate column constraint
create current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc
distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral
leading limit localtime localtimestamp not null offset on only or order placing primary references returning select
session_user some symmetric system_user table then to trailing true union unique user using variadic when where
window with`;

const TYPE_OR_FUNCTION_NAME = `authorization binary collation concurrently cross current_schema freeze full ilike
inner is isnull join left like natural notnull outer overlaps right similar tablesample verbose`;

const COLUMN_NAME = `between bigint bit boolean char character coalesce dec decimal exists extract float greatest
grouping inout int integer interval json json_array json_arrayagg json_exists json_object json_objectagg json_query
json_scalar json_serialize json_table json_value least merge_action national nchar none normalize nullif numeric out
overlay position precision real row setof smallint substring time timestamp treat trim values varchar xmlattributes
xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`;

/** The keywords that quote_ident() quotes (every category but unreserved), with their category. */
export const QUOTED_KEYWORDS: ReadonlyMap<string, QuotedKeywordCategory> = new Map(
  (
    [
      [RESERVED, 'reserved'],
      [TYPE_OR_FUNCTION_NAME, 'type or function name'],
      [COLUMN_NAME, 'column name'],
    ] as const
  ).flatMap(([words, category]) => words.split(/\s+/).map((word) => [word, category] as const)),
);

const PLAIN = /^[a-z_][a-z0-9_$]*$/;

/**
 * An identifier as PostgreSQL's quote_ident() writes it: bare when it is a plain lower-case name (a letter or an
 * underscore, then letters, digits, underscores or dollars) and not a keyword other than an unreserved one;
 * double-quoted otherwise (mixed case, reserved words, spaces, quotes doubled).
 */
export function quoteIdent(name: string): string {
  return PLAIN.test(name) && !QUOTED_KEYWORDS.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** `schema.name`, each part quoted as needed; just the name when there is no schema. */
export function qualifiedIdent(schema: string | null | undefined, name: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}

/**
 * A text literal (`'it''s'`), or `NULL` for null. Backslashes are left as they are: PostgreSQL reads them
 * literally with standard_conforming_strings on, its default since 9.1.
 */
export function quoteLiteral(value: string | null): string {
  return value === null ? 'NULL' : `'${value.replace(/'/g, "''")}'`;
}
