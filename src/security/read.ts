import type { Connection, ReadOnlyOptions } from '../db/connection.js';
import type {
  DefaultPrivilegeRow,
  ExtensionRow,
  FunctionRow,
  HbaRow,
  LanguageRow,
  MembershipRow,
  PasswordRow,
  PolicyRow,
  RelationRow,
  RoleRow,
  SchemaRow,
  SecurityReading,
  ViewRow,
} from './reading.js';

/** The settings the server rules read (pg_settings shows a role only those it may see). */
export const SECURITY_SETTINGS = [
  'ssl',
  'listen_addresses',
  'log_connections',
  'shared_preload_libraries',
  'password_encryption',
  'fsync',
  'full_page_writes',
] as const;

/** Schemas that are PostgreSQL's own: never audited for grants or ownership. */
const SYSTEM_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'`;

/** Objects an extension created belong to it: their grants and owners are the extension's business. */
const NOT_EXTENSION_MEMBER = (catalog: string, oid: string) =>
  `${oid} NOT IN (SELECT d.objid FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.deptype = 'e')`;

export interface ReadSecurityOptions extends ReadOnlyOptions {
  /** Column names that mark a tenant table (default: tenant_id). */
  readonly tenantColumns?: readonly string[];
}

/** Reads what the connected role can see of the cluster's and the database's security, in one READ ONLY transaction. */
export function readSecurity(
  connection: Connection,
  options: ReadSecurityOptions = {},
): Promise<SecurityReading> {
  return connection.readOnly(async (c) => {
    const [server] = await c.rows<SecurityReading['server']>(
      'reading the server and the connected role',
      `SELECT current_setting('server_version_num')::int / 10000 AS major,
              split_part(current_setting('server_version'), ' ', 1) AS version,
              current_database() AS database,
              (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()) AS "databaseOwner",
              current_user AS "currentUser",
              pg_get_userbyid(10) AS "bootstrapRole",
              coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) AS superuser,
              pg_has_role(current_user, 'pg_read_all_settings', 'USAGE') AS "readAllSettings",
              pg_has_role(current_user, 'pg_monitor', 'USAGE') AS monitor`,
    );
    const roles = await c.rows<RoleRow>(
      'reading the roles',
      `SELECT rolname AS name, rolsuper AS superuser, rolinherit AS inherit, rolcreaterole AS "createRole",
              rolcreatedb AS "createDb", rolcanlogin AS login, rolreplication AS replication,
              rolbypassrls AS "bypassRls", (oid < 16384 AND rolname LIKE 'pg\\_%') AS predefined
         FROM pg_roles ORDER BY rolname`,
    );
    const passwords = server!.superuser
      ? await c.rows<PasswordRow>(
          'reading the kinds of the login roles’ passwords',
          // only the kind of each hash is read: no hash leaves the server
          `SELECT rolname AS role,
                  CASE WHEN rolpassword IS NULL THEN 'none'
                       WHEN rolpassword LIKE 'md5%' THEN 'md5'
                       WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram'
                       ELSE 'other' END AS kind
             FROM pg_authid WHERE rolcanlogin ORDER BY rolname`,
        )
      : null;
    const memberships = await c.rows<MembershipRow>(
      'reading the role memberships',
      // to_jsonb: inherit_option and set_option exist from PostgreSQL 16 only
      `SELECT pg_get_userbyid(m.roleid) AS role, pg_get_userbyid(m.member) AS member, m.admin_option AS admin,
              coalesce((to_jsonb(m) ->> 'inherit_option')::bool, u.rolinherit) AS inherit,
              coalesce((to_jsonb(m) ->> 'set_option')::bool, true) AS set
         FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member
        ORDER BY 1, 2`,
    );
    const schemas = await c.rows<SchemaRow>(
      'reading the schemas and their privileges',
      `SELECT n.nspname AS name,
              CASE WHEN pg_get_userbyid(n.nspowner) = 'pg_database_owner'
                   THEN (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database())
                   ELSE pg_get_userbyid(n.nspowner) END AS owner,
              coalesce((SELECT jsonb_agg(jsonb_build_object(
                          'grantee', CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END,
                          'privilege', a.privilege_type) ORDER BY a.grantee, a.privilege_type)
                          FROM aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a), '[]') AS grants
         FROM pg_namespace n
        WHERE ${SYSTEM_SCHEMAS} AND ${NOT_EXTENSION_MEMBER('pg_namespace', 'n.oid')}
        ORDER BY n.nspname`,
    );
    const relations = await c.rows<RelationRow>(
      'reading the tables, views and sequences',
      // a NULL ACL is the default, which grants nothing to PUBLIC on relations: only explicit ACLs are exploded
      `SELECT n.nspname AS schema, c.relname AS name,
              CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN 'view'
                             WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' ELSE 'foreign table' END AS kind,
              pg_get_userbyid(c.relowner) AS owner, c.relrowsecurity AS "rlsEnabled",
              c.relforcerowsecurity AS "rlsForced",
              CASE WHEN c.relacl IS NULL THEN '{}'
                   ELSE coalesce((SELECT array_agg(a.privilege_type ORDER BY a.privilege_type)
                                    FROM aclexplode(c.relacl) a WHERE a.grantee = 0), '{}') END AS "publicGrants",
              coalesce(t.columns, '[]') AS "tenantColumns"
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN (SELECT attrelid, jsonb_agg(jsonb_build_object('name', attname, 'type', format_type(atttypid, atttypmod)) ORDER BY attnum) AS columns
                      FROM pg_attribute WHERE attnum > 0 AND NOT attisdropped AND attname = ANY($1)
                     GROUP BY attrelid) t ON t.attrelid = c.oid
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND ${SYSTEM_SCHEMAS}
          AND ${NOT_EXTENSION_MEMBER('pg_class', 'c.oid')}
        ORDER BY n.nspname, c.relname`,
      [options.tenantColumns ?? ['tenant_id']],
    );
    const policies = await c.rows<PolicyRow>(
      'reading the row level security policies',
      `SELECT n.nspname AS schema, c.relname AS table, p.polname AS name, p.polpermissive AS permissive,
              CASE p.polcmd WHEN 'r' THEN 'select' WHEN 'a' THEN 'insert' WHEN 'w' THEN 'update'
                            WHEN 'd' THEN 'delete' ELSE 'all' END AS command,
              ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END FROM unnest(p.polroles) r) AS roles,
              pg_get_expr(p.polqual, p.polrelid) AS using, pg_get_expr(p.polwithcheck, p.polrelid) AS "withCheck"
         FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        ORDER BY n.nspname, c.relname, p.polname`,
    );
    const views = await c.rows<ViewRow>(
      'reading the views over tables with row level security',
      `SELECT vn.nspname AS schema, v.relname AS name,
              CASE v.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END AS kind,
              pg_get_userbyid(v.relowner) AS owner,
              coalesce(v.reloptions && ARRAY['security_invoker=true', 'security_invoker=on', 'security_invoker=1', 'security_invoker=yes'], false) AS "securityInvoker",
              jsonb_agg(DISTINCT jsonb_build_object('schema', tn.nspname, 'name', t.relname)) AS tables
         FROM pg_class v JOIN pg_namespace vn ON vn.oid = v.relnamespace
         JOIN pg_rewrite rw ON rw.ev_class = v.oid
         JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass
         JOIN pg_class t ON t.oid = d.refobjid AND t.relrowsecurity AND t.oid <> v.oid
         JOIN pg_namespace tn ON tn.oid = t.relnamespace
        WHERE v.relkind IN ('v', 'm') AND ${SYSTEM_SCHEMAS.replaceAll('n.nspname', 'vn.nspname')}
        GROUP BY vn.nspname, v.relname, v.relkind, v.relowner, v.reloptions
        ORDER BY 1, 2`,
    );
    const functions = await c.rows<FunctionRow>(
      'reading the SECURITY DEFINER functions',
      `SELECT n.nspname AS schema, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS arguments,
              CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window' ELSE 'function' END AS kind,
              pg_get_userbyid(p.proowner) AS owner, p.prosecdef AS "securityDefiner",
              coalesce(p.proconfig, '{}') AS config,
              EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                       WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE') AS "publicExecute"
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.prosecdef AND ${SYSTEM_SCHEMAS} AND ${NOT_EXTENSION_MEMBER('pg_proc', 'p.oid')}
        ORDER BY n.nspname, p.proname, 3`,
    );
    const defaultPrivileges = await c.rows<DefaultPrivilegeRow>(
      'reading the default privileges',
      `SELECT pg_get_userbyid(d.defaclrole) AS role, n.nspname AS schema,
              CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                                   WHEN 'T' THEN 'types' ELSE 'schemas' END AS "objectType",
              coalesce((SELECT array_agg(a.privilege_type ORDER BY a.privilege_type)
                          FROM aclexplode(d.defaclacl) a WHERE a.grantee = 0), '{}') AS "publicPrivileges"
         FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
        ORDER BY 1, 2, 3`,
    );
    const extensions = await c.rows<ExtensionRow>(
      'reading the extensions',
      `SELECT e.extname AS name, n.nspname AS schema, e.extrelocatable AS relocatable
         FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace ORDER BY e.extname`,
    );
    const languages = await c.rows<LanguageRow>(
      'reading the procedural languages',
      `SELECT l.lanname AS name, l.lanpltrusted AS trusted, l.lanispl AS procedural,
              (SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                WHERE d.classid = 'pg_language'::regclass AND d.objid = l.oid AND d.deptype = 'e') AS extension,
              (SELECT count(*)::int FROM pg_proc p WHERE p.prolang = l.oid) AS functions
         FROM pg_language l ORDER BY l.lanname`,
    );
    const settingRows = await c.rows<{ name: string; setting: string }>(
      'reading the security settings',
      'SELECT name, setting FROM pg_settings WHERE name = ANY($1)',
      [SECURITY_SETTINGS],
    );
    const [{ readable } = { readable: false }] = await c.rows<{ readable: boolean }>(
      'checking whether pg_hba_file_rules is readable',
      `SELECT has_table_privilege('pg_catalog.pg_hba_file_rules', 'SELECT') AS readable`,
    );
    const hba = readable
      ? await c.rows<HbaRow>(
          'reading pg_hba_file_rules',
          // to_jsonb: file_name exists from PostgreSQL 15 only
          `SELECT (j ->> 'line_number')::int AS line, j ->> 'file_name' AS file, j ->> 'type' AS type,
                  coalesce(ARRAY(SELECT jsonb_array_elements_text(j -> 'database')), '{}') AS databases,
                  coalesce(ARRAY(SELECT jsonb_array_elements_text(j -> 'user_name')), '{}') AS users,
                  j ->> 'address' AS address, j ->> 'netmask' AS netmask, j ->> 'auth_method' AS method,
                  j ->> 'error' AS error
             FROM (SELECT to_jsonb(h) AS j FROM pg_hba_file_rules h) r ORDER BY 1`,
        )
      : null;
    return {
      server: server!,
      roles,
      passwords,
      memberships,
      schemas,
      relations,
      policies,
      views,
      functions,
      defaultPrivileges,
      extensions,
      languages,
      settings: Object.fromEntries(settingRows.map((s) => [s.name, s.setting])),
      hba,
    };
  }, options);
}
