import type { KeywordCategory } from './model.js';

/**
 * An identifier as PostgreSQL's quote_ident writes it: bare when it is lower case, starts with a letter or an
 * underscore, and is not a keyword (other than an unreserved one); quoted otherwise.
 */
export function quoteIdent(name: string, keywords: ReadonlyMap<string, KeywordCategory>): string {
  const category = keywords.get(name);
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && (category === undefined || category === 'unreserved')) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

/** `schema.name`, each part quoted as needed. */
export function qualifiedIdent(
  schema: string,
  name: string,
  keywords: ReadonlyMap<string, KeywordCategory>,
): string {
  return `${quoteIdent(schema, keywords)}.${quoteIdent(name, keywords)}`;
}
