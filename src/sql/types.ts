import { asNode, type Node, stringValues } from './ast.js';

/** A type as written in SQL, normalized to PostgreSQL's internal names (`int4`, `varchar`, `timestamptz`). */
export interface TypeRef {
  /** Internal name without schema, lower case: `varchar`, `numeric`, `serial` (serial types stay as written). */
  readonly name: string;
  readonly schema: string | undefined;
  /** Type modifiers (length, precision, scale); empty when none. */
  readonly mods: readonly number[];
  readonly array: boolean;
  /** As people write it: `varchar(255)`, `timestamp`, `integer[]`. */
  readonly display: string;
}

const ALIASES: Record<string, string> = {
  int: 'int4',
  integer: 'int4',
  int4: 'int4',
  smallint: 'int2',
  int2: 'int2',
  bigint: 'int8',
  int8: 'int8',
  real: 'float4',
  float4: 'float4',
  'double precision': 'float8',
  float8: 'float8',
  float: 'float8',
  decimal: 'numeric',
  numeric: 'numeric',
  varchar: 'varchar',
  'character varying': 'varchar',
  char: 'bpchar',
  character: 'bpchar',
  bpchar: 'bpchar',
  bool: 'bool',
  boolean: 'bool',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  time: 'time',
  timetz: 'timetz',
};

const DISPLAY: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bpchar: 'char',
  bool: 'boolean',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
};

export function typeRef(typeName: unknown): TypeRef | undefined {
  const payload = (asNode<Record<string, unknown>>(typeName, 'TypeName') ?? typeName) as
    | { names?: Node[]; typmods?: Node[]; arrayBounds?: Node[] }
    | undefined;
  if (!payload?.names) return undefined;
  const names = stringValues(payload.names);
  const raw = names.at(-1)!.toLowerCase();
  const schema = names.length > 1 ? names[0] : undefined;
  const name = schema === 'pg_catalog' || schema === undefined ? (ALIASES[raw] ?? raw) : raw;
  const mods: number[] = [];
  for (const mod of payload.typmods ?? []) {
    // the parser's JSON leaves out a zero: timestamp(0) has `ival: {}`
    const integer = asNode<{ ival?: { ival?: number } }>(mod, 'A_Const')?.ival;
    const value = integer ? (integer.ival ?? 0) : undefined;
    if (value !== undefined) mods.push(value);
  }
  const array = (payload.arrayBounds?.length ?? 0) > 0;
  // a name written in quotes ("Role_new") keeps its case and its quotes: the display is SQL that runs
  const asWritten = (part: string) =>
    /^[a-z_][a-z0-9_$]*$/.test(part) ? part : `"${part.replace(/"/g, '""')}"`;
  const base = DISPLAY[name] ?? (name === raw ? asWritten(names.at(-1)!) : name);
  const display = `${schema && schema !== 'pg_catalog' ? `${asWritten(schema)}.` : ''}${base}${mods.length ? `(${mods.join(',')})` : ''}${array ? '[]' : ''}`;
  return { name, schema: schema === 'pg_catalog' ? undefined : schema, mods, array, display };
}

export const SERIAL_TYPES: Record<string, string> = {
  smallserial: 'int2',
  serial2: 'int2',
  serial: 'int4',
  serial4: 'int4',
  bigserial: 'int8',
  serial8: 'int8',
};

/** Casts that PostgreSQL performs without touching the data (pg_cast.castmethod = 'b', built-in types). */
const BINARY_COERCIBLE = new Set([
  'varchar>text',
  'text>varchar',
  'varchar>bpchar',
  'text>bpchar',
  'bit>varbit',
  'varbit>bit',
  'cidr>inet',
  'xml>text',
  'xml>varchar',
]);

/**
 * Whether changing a column from one type to another keeps the table's files (no rewrite): a binary-coercible
 * cast (or the same type) whose type modifier only widens. `casts` adds the database's own binary-coercible
 * casts (citext ↔ text, domains) when known.
 */
export function changeKeepsData(from: TypeRef, to: TypeRef, casts?: ReadonlySet<string>): boolean {
  if (from.array !== to.array) return false;
  const sameType = from.name === to.name && from.schema === to.schema;
  if (!sameType) {
    const key = `${from.name}>${to.name}`;
    if (!BINARY_COERCIBLE.has(key) && !casts?.has(key)) return false;
    // a length limit on the target needs a check of every value (a rewrite), unless it is as wide as the source's
    if (to.name === 'bpchar') return false;
    if (
      to.mods.length > 0 &&
      !(from.name === 'varchar' && from.mods.length > 0 && to.mods[0]! >= from.mods[0]!)
    )
      return false;
    return true;
  }
  if (to.mods.length === 0) return from.name !== 'bpchar' || from.mods.length === 0;
  if (from.mods.length === 0) return false;
  switch (from.name) {
    case 'varchar':
    case 'varbit':
      return to.mods[0]! >= from.mods[0]!;
    case 'numeric': {
      const [fromPrecision, fromScale = 0] = from.mods;
      const [toPrecision, toScale = 0] = to.mods;
      return toScale === fromScale && toPrecision! >= fromPrecision!;
    }
    case 'timestamp':
    case 'timestamptz':
    case 'time':
    case 'timetz':
    case 'interval':
      return to.mods[0]! >= from.mods[0]!;
    default:
      return from.mods.every((mod, i) => mod === to.mods[i]);
  }
}
