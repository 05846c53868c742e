import { qualifiedIdent, quoteIdent, quoteLiteral } from '../sql/quote.js';
import type { FunctionRow, RelationKind, RelationRow } from './reading.js';

export { quoteIdent as roleSql, quoteLiteral as literalSql };

export function relationSql(relation: Pick<RelationRow, 'schema' | 'name'>): string {
  return qualifiedIdent(relation.schema, relation.name);
}

/** `schema.name(argument types)`: how GRANT, REVOKE and ALTER name one function. */
export function routineSql(routine: Pick<FunctionRow, 'schema' | 'name' | 'arguments'>): string {
  return `${qualifiedIdent(routine.schema, routine.name)}(${routine.arguments})`;
}

/** The keyword ALTER … OWNER takes for a kind of relation. */
export function alterKeyword(kind: RelationKind): string {
  switch (kind) {
    case 'view':
      return 'VIEW';
    case 'materialized view':
      return 'MATERIALIZED VIEW';
    case 'sequence':
      return 'SEQUENCE';
    case 'foreign table':
      return 'FOREIGN TABLE';
    default:
      return 'TABLE';
  }
}

/** A server setting changed for good: ALTER SYSTEM, then a reload (settings that need a restart say so). */
export function alterSystem(name: string, value: string, note?: string): string {
  return [
    ...(note ? [`-- ${note}`] : []),
    `ALTER SYSTEM SET ${name} = ${quoteLiteral(value)};`,
    'SELECT pg_reload_conf();',
  ].join('\n');
}

/** Whether a setting's value is off (PostgreSQL 18's log_connections is a list, empty when off). */
export function isOff(value: string | undefined): boolean {
  return value !== undefined && ['off', 'false', '0', ''].includes(value.trim().toLowerCase());
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

/** listen_addresses that reach beyond this machine (unknown: assume so). */
export function listensBeyondLoopback(listen: string | undefined): boolean {
  if (listen === undefined) return true;
  return listen
    .split(',')
    .map((a) => a.trim())
    .some((a) => a !== '' && !LOOPBACK.has(a));
}

/** An hba address that reaches only this machine: loopback addresses and masks within 127.0.0.0/8 or ::1. */
export function isLoopbackAddress(address: string | null, netmask: string | null): boolean {
  if (address === null) return false;
  if (address === 'localhost' || address === 'samehost') return true;
  if (address === '::1') return netmask === null || netmask === 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff';
  if (address.startsWith('127.')) {
    const first = netmask?.split('.')[0];
    return netmask === null || first === '255';
  }
  return false;
}
