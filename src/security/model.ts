import { objectPattern } from '../schema/build.js';
import type { PasswordRow, PolicyRow, RelationRow, RoleRow, SecurityReading } from './reading.js';

export type * from './reading.js';

/** The model `security` rules read: the reading, with the role graph and the tenant tables worked out. */
export interface SecurityModel extends SecurityReading {
  /** The tenant convention (config `schema.tenancy`): the column, and the tables that are global. */
  readonly tenancy: { readonly column: string | null; readonly globalTables: readonly string[] };
  role(name: string): RoleRow | undefined;
  /** The kind of a login role's password; undefined when pg_authid could not be read. */
  password(role: string): PasswordRow['kind'] | undefined;
  /**
   * Every role `role` can act as through memberships (inherited, or by SET ROLE), with the shortest chain that
   * leads there (`role`, …, the reached role). `role` itself is not in it.
   */
  reach(role: string): ReadonlyMap<string, readonly string[]>;
  /** Login roles that have the privileges of `role`: it (when it can log in), and its login members, inherited or by SET ROLE. */
  loginRolesActingAs(role: string): readonly string[];
  /** Tables (and partitioned tables) whose rows belong to a tenant: they have the tenant column and are not global. */
  readonly tenantTables: readonly {
    readonly table: RelationRow;
    readonly column: { name: string; type: string };
  }[];
  policiesOf(table: RelationRow): readonly PolicyRow[];
}

export interface SecurityModelOptions {
  /** The tenant column (default tenant_id); null: no table is a tenant table (config tenancy mode `off`). */
  readonly tenantColumn?: string | null;
  readonly globalTables?: readonly string[];
}

/** The security model of a reading (pure). */
export function securityModelFromReading(
  reading: SecurityReading,
  options: SecurityModelOptions = {},
): SecurityModel {
  const column = options.tenantColumn === undefined ? 'tenant_id' : options.tenantColumn;
  const globalTables = options.globalTables ?? [];
  const roles = new Map(reading.roles.map((r) => [r.name, r]));
  const passwords = reading.passwords ? new Map(reading.passwords.map((p) => [p.role, p.kind])) : null;

  const memberOf = new Map<string, string[]>();
  const membersOf = new Map<string, string[]>();
  for (const m of reading.memberships) {
    // a membership that neither passes privileges on nor allows SET ROLE (PostgreSQL 16+) gives nothing
    if (!m.inherit && !m.set) continue;
    push(memberOf, m.member, m.role);
    push(membersOf, m.role, m.member);
  }
  const reachCache = new Map<string, Map<string, string[]>>();
  const reach = (start: string): Map<string, string[]> => {
    let found = reachCache.get(start);
    if (found) return found;
    found = new Map();
    const queue: string[][] = [[start]];
    while (queue.length > 0) {
      const path = queue.shift()!;
      for (const next of memberOf.get(path.at(-1)!) ?? []) {
        if (next === start || found.has(next)) continue;
        const chain = [...path, next];
        found.set(next, chain);
        queue.push(chain);
      }
    }
    reachCache.set(start, found);
    return found;
  };
  const loginRolesActingAs = (role: string): string[] => {
    const result = new Set<string>();
    const seen = new Set<string>([role]);
    const queue = [role];
    while (queue.length > 0) {
      const current = queue.shift()!;
      if (roles.get(current)?.login) result.add(current);
      for (const member of membersOf.get(current) ?? []) {
        if (!seen.has(member)) {
          seen.add(member);
          queue.push(member);
        }
      }
    }
    return [...result].sort();
  };

  const patterns = globalTables.map(objectPattern);
  const isGlobal = (t: RelationRow) =>
    patterns.some((p) => p.test(`${t.schema}.${t.name}`) || p.test(t.name));
  const tenantTables = reading.relations.flatMap((table) => {
    if (table.kind !== 'table' && table.kind !== 'partitioned table') return [];
    const found = column === null ? undefined : table.tenantColumns.find((c) => c.name === column);
    return found && !isGlobal(table) ? [{ table, column: found }] : [];
  });
  const policies = new Map<string, PolicyRow[]>();
  for (const policy of reading.policies) push(policies, `${policy.schema}.${policy.table}`, policy);

  return {
    ...reading,
    tenancy: { column, globalTables },
    role: (name) => roles.get(name),
    password: (role) => (passwords ? (passwords.get(role) ?? 'none') : undefined),
    reach,
    loginRolesActingAs,
    tenantTables,
    policiesOf: (table) => policies.get(`${table.schema}.${table.name}`) ?? [],
  };
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
