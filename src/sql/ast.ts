import type { Node, RangeVar } from 'libpg-query';

export type { Node, RangeVar } from 'libpg-query';

/** The AST node type of a `{ Kind: {...} }` node, e.g. `CreateStmt`. */
export function nodeKind(node: Node | undefined): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const keys = Object.keys(node);
  return keys.length === 1 ? keys[0] : undefined;
}

/** The payload of a node when it is of `kind`, else undefined. */
export function asNode<T = Record<string, unknown>>(node: unknown, kind: string): T | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const value = (node as Record<string, unknown>)[kind];
  return value === undefined ? undefined : (value as T);
}

const NODE_KEY = /^[A-Z][A-Za-z0-9_]*$/;

/**
 * Visits every node below `root` depth first, parents before children. The visitor gets the node's kind and
 * payload; returning `false` skips the node's children.
 */
export function walk(
  root: unknown,
  visit: (kind: string, payload: Record<string, unknown>, node: Record<string, unknown>) => unknown,
): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (!value || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
      continue;
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && NODE_KEY.test(keys[0]!)) {
      const payload = record[keys[0]!];
      if (payload && typeof payload === 'object' && !Array.isArray(payload)) {
        if (visit(keys[0]!, payload as Record<string, unknown>, record) === false) continue;
        pushChildren(stack, payload as Record<string, unknown>);
        continue;
      }
    }
    pushChildren(stack, record);
  }
}

function pushChildren(stack: unknown[], record: Record<string, unknown>): void {
  const values = Object.values(record);
  for (let i = values.length - 1; i >= 0; i--) {
    const child = values[i];
    if (child && typeof child === 'object') stack.push(child);
  }
}

/** Every payload of a given kind below `root`. */
export function findAll<T = Record<string, unknown>>(root: unknown, kind: string): T[] {
  const found: T[] = [];
  walk(root, (k, payload) => {
    if (k === kind) found.push(payload as T);
  });
  return found;
}

/** The `sval` of each String node in a list (qualified names, option values). */
export function stringValues(nodes: readonly Node[] | undefined): string[] {
  if (!nodes) return [];
  const out: string[] = [];
  for (const node of nodes) {
    const value = asNode<{ sval?: string }>(node, 'String');
    if (value?.sval !== undefined) out.push(value.sval);
  }
  return out;
}

export interface QualifiedName {
  readonly schema: string | undefined;
  readonly name: string;
}

export function rangeVarName(rangeVar: RangeVar | undefined): QualifiedName | undefined {
  if (!rangeVar?.relname) return undefined;
  return { schema: rangeVar.schemaname, name: rangeVar.relname };
}

/** `schema.name`, with `defaultSchema` for unqualified names. */
export function qualify(name: QualifiedName, defaultSchema = 'public'): string {
  return `${name.schema ?? defaultSchema}.${name.name}`;
}
