/**
 * What `pgwarden security` reads from a server: plain JSON rows, as the connected role can see them. Null means
 * the role could not read that part (pg_authid and pg_hba_file_rules need a superuser; some settings need
 * pg_read_all_settings). Password hashes never leave the server: only their kind is read.
 */
export interface SecurityReading {
  readonly server: {
    readonly major: number;
    readonly version: string;
    readonly database: string;
    readonly databaseOwner: string;
    readonly currentUser: string;
    /** The role that initdb created (oid 10): every cluster has it, so it is no finding by itself. */
    readonly bootstrapRole: string;
    readonly superuser: boolean;
    readonly readAllSettings: boolean;
    readonly monitor: boolean;
  };
  readonly roles: readonly RoleRow[];
  /** Password kinds of login roles; null without superuser (pg_authid). */
  readonly passwords: readonly PasswordRow[] | null;
  readonly memberships: readonly MembershipRow[];
  readonly schemas: readonly SchemaRow[];
  readonly relations: readonly RelationRow[];
  readonly policies: readonly PolicyRow[];
  /** Views and materialized views that read tables with row level security enabled. */
  readonly views: readonly ViewRow[];
  readonly functions: readonly FunctionRow[];
  readonly defaultPrivileges: readonly DefaultPrivilegeRow[];
  readonly extensions: readonly ExtensionRow[];
  readonly languages: readonly LanguageRow[];
  /** The security-relevant settings the role may see (a setting it may not see is absent). */
  readonly settings: Readonly<Record<string, string>>;
  /** pg_hba_file_rules; null when the role may not read it. */
  readonly hba: readonly HbaRow[] | null;
}

export interface RoleRow {
  readonly name: string;
  readonly superuser: boolean;
  readonly inherit: boolean;
  readonly createRole: boolean;
  readonly createDb: boolean;
  readonly login: boolean;
  readonly replication: boolean;
  readonly bypassRls: boolean;
  /** A role PostgreSQL defines itself (pg_read_all_data, pg_execute_server_program …). */
  readonly predefined: boolean;
}

export interface PasswordRow {
  readonly role: string;
  readonly kind: 'none' | 'md5' | 'scram' | 'other';
}

export interface MembershipRow {
  readonly role: string;
  readonly member: string;
  readonly admin: boolean;
  /** PostgreSQL 16+: the member inherits the role's privileges / may SET ROLE to it (always true before 16). */
  readonly inherit: boolean;
  readonly set: boolean;
}

/** One privilege of one grantee in an ACL (aclexplode). `grantee` is null for PUBLIC. */
export interface GrantRow {
  readonly grantee: string | null;
  readonly privilege: string;
}

export interface SchemaRow {
  readonly name: string;
  /** Resolved: pg_database_owner (the owner of `public` from PostgreSQL 15) is the database's owner. */
  readonly owner: string;
  readonly grants: readonly GrantRow[];
}

export type RelationKind =
  | 'table'
  | 'partitioned table'
  | 'view'
  | 'materialized view'
  | 'sequence'
  | 'foreign table';

export interface RelationRow {
  readonly schema: string;
  readonly name: string;
  readonly kind: RelationKind;
  readonly owner: string;
  readonly rlsEnabled: boolean;
  readonly rlsForced: boolean;
  /** Grants to PUBLIC only (the rules need no other grantee). */
  readonly publicGrants: readonly string[];
  /** The columns named like the tenant column, with their types. */
  readonly tenantColumns: readonly { readonly name: string; readonly type: string }[];
}

export interface PolicyRow {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly permissive: boolean;
  readonly command: 'all' | 'select' | 'insert' | 'update' | 'delete';
  /** Role names; `public` for PUBLIC. */
  readonly roles: readonly string[];
  readonly using: string | null;
  readonly withCheck: string | null;
}

export interface ViewRow {
  readonly schema: string;
  readonly name: string;
  readonly kind: 'view' | 'materialized view';
  readonly owner: string;
  /** PostgreSQL 15+: the view runs with the privileges of its caller. */
  readonly securityInvoker: boolean;
  /** The tables with row level security enabled that it reads. */
  readonly tables: readonly { readonly schema: string; readonly name: string }[];
}

export interface FunctionRow {
  readonly schema: string;
  readonly name: string;
  /** pg_get_function_identity_arguments: what ALTER FUNCTION needs. */
  readonly arguments: string;
  readonly kind: 'function' | 'procedure' | 'aggregate' | 'window';
  readonly owner: string;
  readonly securityDefiner: boolean;
  /** proconfig: `search_path=…` and the like. */
  readonly config: readonly string[];
  readonly publicExecute: boolean;
}

export interface DefaultPrivilegeRow {
  readonly role: string;
  /** Null: in every schema. */
  readonly schema: string | null;
  readonly objectType: 'tables' | 'sequences' | 'functions' | 'types' | 'schemas';
  readonly publicPrivileges: readonly string[];
}

export interface ExtensionRow {
  readonly name: string;
  readonly schema: string;
  readonly relocatable: boolean;
}

export interface LanguageRow {
  readonly name: string;
  readonly trusted: boolean;
  /** A procedural language (not `internal` or `c`). */
  readonly procedural: boolean;
  /** The extension it belongs to, if any. */
  readonly extension: string | null;
  readonly functions: number;
}

export interface HbaRow {
  readonly line: number;
  readonly file: string | null;
  readonly type: string;
  readonly databases: readonly string[];
  readonly users: readonly string[];
  readonly address: string | null;
  readonly netmask: string | null;
  readonly method: string | null;
  readonly error: string | null;
}
