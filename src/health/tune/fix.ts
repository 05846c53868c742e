import { quoteIdent, quoteLiteral } from '../../sql/quote.js';

/** The statement that sets one setting server-wide (postgresql.auto.conf); it runs outside a transaction block. */
export function alterSystemSql(name: string, value: string): string {
  return `ALTER SYSTEM SET ${quoteIdent(name)} = ${quoteLiteral(value)};`;
}

/** A setting's fix: ALTER SYSTEM, then a reload (or a note that it waits for a restart). */
export function settingFix(name: string, value: string, restart: boolean): string {
  return `${alterSystemSql(name, value)}\n${restart ? `-- ${name} takes effect at the next restart of PostgreSQL` : 'SELECT pg_reload_conf();'}`;
}
