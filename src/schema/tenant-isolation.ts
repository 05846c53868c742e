import { qualifiedIdent, quoteIdent, quoteLiteral } from '../sql/quote.js';
import { mentionsColumn, objectName } from './keys.js';

/** What the tenant-isolation checks need of a table: pgwarden's schema review and its security audit both give it. */
export interface IsolatedTable {
  readonly schema: string;
  readonly name: string;
  readonly rowSecurity: { readonly enabled: boolean; readonly forced: boolean };
  readonly policies: readonly {
    readonly name: string;
    readonly using: string | null;
    readonly withCheck: string | null;
  }[];
}

export interface IsolationGaps {
  /** A policy tests the tenant column. */
  readonly policy: boolean;
  readonly enabled: boolean;
  readonly forced: boolean;
  /** What is missing, in words. */
  readonly problems: readonly string[];
  /** The statements that close the gaps: a policy on the tenant setting, then enable, then force. Empty: isolated. */
  readonly fix: readonly string[];
}

/**
 * What keeps a tenant table from isolating its tenants — a policy on the tenant column, row level security enabled,
 * and forced — and the statements that give it. One logic for `schema/tenant-rls` (and so `pgwarden check`'s
 * tenant box) and `security/tenant-table-without-rls`.
 */
export function isolationGaps(
  table: IsolatedTable,
  column: { readonly name: string; readonly type: string },
  options: { readonly setting: string; readonly policyName: string },
): IsolationGaps {
  const policy = table.policies.some(
    (p) => mentionsColumn(p.using, column.name) || mentionsColumn(p.withCheck, column.name),
  );
  const { enabled, forced } = table.rowSecurity;
  const t = qualifiedIdent(table.schema, table.name);
  const problems: string[] = [];
  const fix: string[] = [];
  if (!policy) {
    problems.push(
      table.policies.length === 0
        ? 'has no policy'
        : `has no policy on ${column.name} (${table.policies.map((p) => p.name).join(', ')} do not mention it)`,
    );
    const used = new Set(table.policies.map((p) => p.name));
    let name = options.policyName;
    for (let n = 2; used.has(name); n++) name = objectName(options.policyName, String(n));
    fix.push(
      `CREATE POLICY ${quoteIdent(name)} ON ${t}\n  USING (${quoteIdent(column.name)} = current_setting(${quoteLiteral(options.setting)})::${column.type});`,
    );
  }
  if (!enabled) {
    problems.push(
      forced ? 'row level security is not enabled' : 'row level security is neither enabled nor forced',
    );
    fix.push(`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;`);
  } else if (!forced) {
    problems.push('row level security is not forced');
  }
  if (!forced) {
    fix.push(
      `-- from here the owner sees only the tenant of ${options.setting} too: migrations and jobs must set it, or run with BYPASSRLS`,
      `ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;`,
    );
  }
  return { policy, enabled, forced, problems, fix };
}
