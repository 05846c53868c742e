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
