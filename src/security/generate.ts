import { PgwardenError } from '../core/errors.js';
import { qualifiedIdent, quoteIdent, quoteLiteral } from '../sql/quote.js';

export const GENERATORS = ['readonly-role', 'app-role', 'tenant-isolation'] as const;
export type GeneratorKind = (typeof GENERATORS)[number];

export interface GenerateOptions {
  /** The role to create (readonly-role, app-role). */
  readonly role?: string;
  /** Schemas the role works in (default public). */
  readonly schemas?: readonly string[];
  /** The database to grant CONNECT on (default: the one the script runs in). */
  readonly database?: string;
  /** The role that creates the tables: default privileges are set for it (default: whoever runs the script). */
  readonly owner?: string;
  /** Create the role with LOGIN (its password is set apart: psql's \password). */
  readonly login?: boolean;
  /** tenant-isolation: the tables (`schema.table`, or `table` in the first schema). */
  readonly tables?: readonly string[];
  readonly column?: string;
  readonly setting?: string;
  readonly policyName?: string;
}

export interface GeneratedScript {
  readonly kind: GeneratorKind;
  /** What the script does, in a sentence. */
  readonly description: string;
  /** Idempotent: it can run again. */
  readonly up: string;
  /** Removes what `up` created, also idempotent. */
  readonly down: string;
}

const SETTING = /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_.]*$/;

function name(value: string | undefined, option: string, fallback?: string): string {
  const given = value ?? fallback;
  if (given === undefined || given.trim() === '')
    throw new PgwardenError('usage', `${option} is required`, {
      hint: `e.g. ${option} ${option === '--role' ? 'reporting' : 'tenant_id'}`,
    });
  if (Buffer.byteLength(given) > 63)
    throw new PgwardenError('usage', `${option} ${given}: longer than PostgreSQL's 63 bytes`, {
      hint: 'PostgreSQL would cut it short; choose a shorter name',
    });
  return given;
}

/** One idempotent script and its down script, from the generator's options. */
export function generateSecurity(kind: GeneratorKind, options: GenerateOptions): GeneratedScript {
  switch (kind) {
    case 'readonly-role':
      return roleScripts(kind, options, {
        tables: 'SELECT',
        sequences: 'SELECT',
        what: 'reads every table, view and sequence of',
      });
    case 'app-role':
      return roleScripts(kind, options, {
        tables: 'SELECT, INSERT, UPDATE, DELETE',
        sequences: 'USAGE, SELECT',
        what: 'reads and writes rows (no DDL, no TRUNCATE) in every table of',
      });
    case 'tenant-isolation':
      return tenantScripts(options);
    default:
      throw new PgwardenError('usage', `unknown generator "${kind as string}"`, {
        hint: `one of ${GENERATORS.join(', ')}`,
      });
  }
}

function roleScripts(
  kind: GeneratorKind,
  options: GenerateOptions,
  grants: { tables: string; sequences: string; what: string },
): GeneratedScript {
  const role = name(options.role, '--role');
  const schemas = (options.schemas?.length ? options.schemas : ['public']).map((s) => name(s, '--schema'));
  const r = quoteIdent(role);
  const forRole = options.owner ? ` FOR ROLE ${quoteIdent(name(options.owner, '--owner'))}` : '';
  const database = options.database ? quoteIdent(name(options.database, '--database')) : null;
  const readOnly = kind === 'readonly-role';
  const description = `${role} ${grants.what} schema${schemas.length > 1 ? 's' : ''} ${schemas.join(', ')}, now and for tables created later${options.owner ? ` by ${options.owner}` : ' by the role that runs this script'}; it cannot create objects${readOnly ? ' or change any row' : ''}.`;
  const up = [
    `-- pgwarden security generate ${kind}: ${description}`,
    '-- Idempotent: run it again after creating new schemas, or when in doubt. Run it as the owner of the tables.',
    'DO $pgwarden$',
    'BEGIN',
    `  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${quoteLiteral(role)}) THEN`,
    `    CREATE ROLE ${r} ${options.login ? 'LOGIN' : 'NOLOGIN'};`,
    '  END IF;',
    'END',
    '$pgwarden$;',
    ...(readOnly ? [`ALTER ROLE ${r} SET default_transaction_read_only = on;`] : []),
    database
      ? `GRANT CONNECT ON DATABASE ${database} TO ${r};`
      : `DO $pgwarden$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), ${quoteLiteral(role)}); END $pgwarden$;`,
    ...schemas.flatMap((schema) => {
      const s = quoteIdent(schema);
      return [
        `-- only the owner creates objects in ${schema} (before PostgreSQL 15, every role could in public)`,
        `REVOKE CREATE ON SCHEMA ${s} FROM PUBLIC;`,
        `GRANT USAGE ON SCHEMA ${s} TO ${r};`,
        `GRANT ${grants.tables} ON ALL TABLES IN SCHEMA ${s} TO ${r};`,
        `GRANT ${grants.sequences} ON ALL SEQUENCES IN SCHEMA ${s} TO ${r};`,
        `ALTER DEFAULT PRIVILEGES${forRole} IN SCHEMA ${s} GRANT ${grants.tables} ON TABLES TO ${r};`,
        `ALTER DEFAULT PRIVILEGES${forRole} IN SCHEMA ${s} GRANT ${grants.sequences} ON SEQUENCES TO ${r};`,
      ];
    }),
    ...(options.login
      ? [`-- set its password from psql, so that it never appears in a log: \\password ${role}`]
      : []),
  ];
  const down = [
    `-- pgwarden security generate ${kind} --down: removes ${role}, its privileges and default privileges. Idempotent.`,
    '-- Run it as the role that ran the up script (default privileges belong to it). The schemas keep CREATE revoked from PUBLIC.',
    'DO $pgwarden$',
    'BEGIN',
    `  IF EXISTS (SELECT FROM pg_roles WHERE rolname = ${quoteLiteral(role)}) THEN`,
    ...schemas.flatMap((schema) => {
      const s = quoteIdent(schema);
      return [
        `    ALTER DEFAULT PRIVILEGES${forRole} IN SCHEMA ${s} REVOKE ALL ON TABLES FROM ${r};`,
        `    ALTER DEFAULT PRIVILEGES${forRole} IN SCHEMA ${s} REVOKE ALL ON SEQUENCES FROM ${r};`,
        `    REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${r};`,
        `    REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${s} FROM ${r};`,
        `    REVOKE ALL ON SCHEMA ${s} FROM ${r};`,
      ];
    }),
    database
      ? `    REVOKE ALL ON DATABASE ${database} FROM ${r};`
      : `    EXECUTE format('REVOKE ALL ON DATABASE %I FROM %I', current_database(), ${quoteLiteral(role)});`,
    `    DROP ROLE ${r};`,
    '  END IF;',
    'END',
    '$pgwarden$;',
  ];
  return { kind, description, up: `${up.join('\n')}\n`, down: `${down.join('\n')}\n` };
}

function tenantScripts(options: GenerateOptions): GeneratedScript {
  const tables = options.tables ?? [];
  if (tables.length === 0)
    throw new PgwardenError('usage', '--table is required', {
      hint: 'e.g. --table invoices (repeat it for several tables)',
    });
  const column = name(options.column, '--column', 'tenant_id');
  const setting = options.setting ?? 'app.tenant_id';
  if (!SETTING.test(setting))
    throw new PgwardenError('usage', `--setting ${setting}: a custom setting is prefix.name`, {
      hint: 'e.g. --setting app.tenant_id',
    });
  const policy = name(options.policyName, '--policy', 'tenant_isolation');
  const defaultSchema = options.schemas?.[0] ?? 'public';
  const parsed = tables.map((table) => {
    const parts = table.split('.');
    if (parts.length > 2 || parts.some((p) => p === ''))
      throw new PgwardenError('usage', `--table ${table}: expected table or schema.table`, {
        hint: 'e.g. --table public.invoices',
      });
    const [schema, bare] = parts.length === 2 ? [parts[0]!, parts[1]!] : [defaultSchema, parts[0]!];
    return {
      schema: name(schema, '--schema'),
      name: name(bare, '--table'),
      sql: qualifiedIdent(schema, bare),
    };
  });
  const current = `NULLIF(current_setting(${quoteLiteral(setting)}, true), '')`;
  const description = `row level security on ${parsed.map((t) => `${t.schema}.${t.name}`).join(', ')}: each session sees and writes only the rows whose ${column} is ${setting} (none when it is not set), the owner included (FORCE).`;
  const up = [
    `-- pgwarden security generate tenant-isolation: ${description}`,
    `-- The application sets the tenant in each transaction: SET LOCAL ${setting} = '…'. Idempotent.`,
    '-- Roles with BYPASSRLS and superusers still see every row. On a large table, create the index first with',
    '-- CREATE INDEX CONCURRENTLY under the name below: it is then left as it is.',
    ...parsed.flatMap((t) => {
      const index = indexName(t.name, column);
      return [
        'DO $pgwarden$',
        'DECLARE',
        `  t regclass := ${quoteLiteral(t.sql)};`,
        '  typ text;',
        '  col smallint;',
        'BEGIN',
        '  SELECT format_type(atttypid, atttypmod), attnum INTO typ, col FROM pg_attribute',
        `   WHERE attrelid = t AND attname = ${quoteLiteral(column)} AND NOT attisdropped;`,
        `  IF typ IS NULL THEN RAISE EXCEPTION '% has no column %', t, ${quoteLiteral(column)}; END IF;`,
        `  IF NOT EXISTS (SELECT FROM pg_policy WHERE polrelid = t AND polname = ${quoteLiteral(policy)}) THEN`,
        `    EXECUTE format('CREATE POLICY %I ON %s USING (%I = ${current.replace(/'/g, "''")}::%s) WITH CHECK (%I = ${current.replace(/'/g, "''")}::%s)',`,
        `                   ${quoteLiteral(policy)}, t, ${quoteLiteral(column)}, typ, ${quoteLiteral(column)}, typ);`,
        '  END IF;',
        '  -- the policy filters every query on the tenant column: an index leading with it',
        '  IF NOT EXISTS (SELECT FROM pg_index WHERE indrelid = t AND indkey[0] = col) THEN',
        `    EXECUTE format('CREATE INDEX %I ON %s (%I)', ${quoteLiteral(index)}, t, ${quoteLiteral(column)});`,
        '  END IF;',
        'END',
        '$pgwarden$;',
        `ALTER TABLE ${t.sql} ENABLE ROW LEVEL SECURITY;`,
        `ALTER TABLE ${t.sql} FORCE ROW LEVEL SECURITY;`,
      ];
    }),
  ];
  const down = [
    `-- pgwarden security generate tenant-isolation --down: removes the policy, row level security and the index of ${parsed.map((t) => `${t.schema}.${t.name}`).join(', ')}. Idempotent.`,
    ...parsed.flatMap((t) => [
      'DO $pgwarden$',
      'BEGIN',
      `  IF to_regclass(${quoteLiteral(t.sql)}) IS NOT NULL THEN`,
      `    DROP POLICY IF EXISTS ${quoteIdent(policy)} ON ${t.sql};`,
      `    ALTER TABLE ${t.sql} NO FORCE ROW LEVEL SECURITY;`,
      `    ALTER TABLE ${t.sql} DISABLE ROW LEVEL SECURITY;`,
      `    DROP INDEX IF EXISTS ${qualifiedIdent(t.schema, indexName(t.name, column))};`,
      '  END IF;',
      'END',
      '$pgwarden$;',
    ]),
  ];
  return { kind: 'tenant-isolation', description, up: `${up.join('\n')}\n`, down: `${down.join('\n')}\n` };
}

function indexName(table: string, column: string): string {
  const full = `${table}_${column}_idx`;
  return Buffer.byteLength(full) <= 63 ? full : `${full.slice(0, 54)}_${column.length}_idx`;
}
