import { PgwardenError } from './errors.js';

/**
 * The PostgreSQL major assumed when nothing says which one: no `--pg-version`, no database to ask, no
 * `pgVersion` in the config, no version in a plan. It is also the embedded server's default major.
 */
export const DEFAULT_PG_MAJOR = 18;

/**
 * The PostgreSQL major a command targets, one rule for every command: `--pg-version` when given, else the server's
 * major (the `--db` server, or the embedded server, which starts the configured major), else the config's
 * `pgVersion`, else {@link DEFAULT_PG_MAJOR}. A given version that is not the server's is kept, with a warning.
 */
export function targetMajor(input: {
  readonly given?: number;
  readonly server?: number;
  readonly configured?: number;
}): { readonly major: number; readonly warning: string | null } {
  const major = input.given ?? input.server ?? input.configured ?? DEFAULT_PG_MAJOR;
  const warning =
    input.given !== undefined && input.server !== undefined && input.given !== input.server
      ? `warning: --pg-version ${input.given}, but the server is PostgreSQL ${input.server}: findings and fixes are for ${input.given}, what ran on the server is ${input.server}'s behaviour`
      : null;
  return { major, warning };
}

/** The majors `--pg-version` takes: the commands that may start the embedded server, and lint and tune. */
export const SERVER_PG_MAJORS = { min: 13, max: 18 } as const;
export const LINT_PG_MAJORS = { min: 10, max: 18 } as const;

/** What a `--pg-version` (CLI) or `pg_version` (MCP) outside its range is told, after the value. */
export function pgMajorRange(range: { readonly min: number; readonly max: number }): string {
  return `a PostgreSQL major version from ${range.min} to ${range.max}`;
}

/**
 * A target major as given — a whole number, or its digits as text — within `range`; else one usage error naming
 * the option and the value, in the CLI's words (`--pg-version 9: a PostgreSQL major version from 13 to 18`).
 */
export function parsePgMajor(
  value: number | string,
  name: string,
  range: { readonly min: number; readonly max: number },
): number {
  const major =
    typeof value === 'number' ? value : /^\d{1,3}$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(major) || major < range.min || major > range.max)
    throw new PgwardenError('usage', `${name} ${JSON.stringify(value)}: ${pgMajorRange(range)}`, {
      hint: `the PostgreSQL major the SQL will run on, e.g. ${name} ${range.max}`,
    });
  return major;
}
