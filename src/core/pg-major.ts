/**
 * The PostgreSQL major assumed when nothing says which one: no `--pg-version`, no database to ask, no
 * `pgVersion` in the config, no version in a plan. It is also the embedded server's default major.
 */
export const DEFAULT_PG_MAJOR = 18;
