import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layers of src/, from the bottom up: a folder may import only itself and the folders before it. The root
 * files (index.ts, the library API) sit just below the faces. docs/architecture-notes.md explains each layer.
 */
const LAYERS = [
  'core',
  'sql',
  'locks',
  'db',
  'catalog',
  'report',
  'lint',
  'schema',
  'query',
  'explain',
  'health',
  'security',
  'logs',
  'workload',
  'rules',
  'backup',
  'guard',
  'migrate',
  'ops',
  'check',
  '(root)',
  'mcp',
  'cli',
] as const;

/** The faces reach the library through its API only (src/index.ts), apart from the process-level helpers. */
const FACE_IMPORTS: Record<string, readonly string[]> = {
  mcp: ['(root)', 'core'],
  cli: ['(root)', 'core', 'db', 'report', 'mcp'],
};

const SRC = resolve(import.meta.dirname, '../../src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function folderOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length === 1 ? '(root)' : parts[0]!;
}

/** Every relative import (static, type-only, re-export or dynamic) of every file, resolved to a file of src/. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    graph.set(
      file,
      importedFiles
        .map((imported) => imported.fileName)
        .filter((specifier) => specifier.startsWith('.'))
        .map((specifier) => resolve(dirname(file), specifier).replace(/\.js$/, '.ts')),
    );
  }
  return graph;
}

/** Strongly connected components with more than one member (Tarjan), i.e. the cycles of the graph. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the import graph of src/', () => {
  const files = importGraph();
  const folders = new Map<string, Set<string>>();
  for (const [file, targets] of files) {
    const from = folderOf(file);
    const set = folders.get(from) ?? new Set<string>();
    for (const target of targets) if (folderOf(target) !== from) set.add(folderOf(target));
    folders.set(from, set);
  }

  it('names every folder in the layer order', () => {
    expect([...folders.keys()].filter((folder) => !(LAYERS as readonly string[]).includes(folder))).toEqual(
      [],
    );
  });

  it('has no cycle between folders', () => {
    const graph = new Map([...folders].map(([folder, targets]) => [folder, [...targets]]));
    expect(cycles(graph)).toEqual([]);
  });

  it('has no cycle between files', () => {
    expect(cycles(files).map((cycle) => cycle.map((file) => relative(SRC, file)))).toEqual([]);
  });

  it('imports only downwards: a folder imports itself and the layers below it', () => {
    const upward: string[] = [];
    for (const [file, targets] of files) {
      const from = folderOf(file);
      const level = LAYERS.indexOf(from as (typeof LAYERS)[number]);
      for (const target of targets) {
        const to = folderOf(target);
        if (LAYERS.indexOf(to as (typeof LAYERS)[number]) > level) {
          upward.push(`${relative(SRC, file)} -> ${relative(SRC, target)} (${from} is below ${to})`);
        }
      }
    }
    expect(upward).toEqual([]);
  });

  it('lets the faces reach the library only through its API', () => {
    const reached: string[] = [];
    for (const [file, targets] of files) {
      const allowed = FACE_IMPORTS[folderOf(file)];
      if (!allowed) continue;
      for (const target of targets) {
        const to = folderOf(target);
        if (to !== folderOf(file) && !allowed.includes(to))
          reached.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`);
      }
    }
    expect(reached).toEqual([]);
  });

  it('keeps the rule registry out of every layer below the operations', () => {
    const registry = join(SRC, 'rules', 'index.ts');
    const importers = [...files]
      .filter(
        ([file, targets]) =>
          targets.includes(registry) &&
          LAYERS.indexOf(folderOf(file) as (typeof LAYERS)[number]) < LAYERS.indexOf('ops'),
      )
      .map(([file]) => relative(SRC, file));
    expect(importers).toEqual([]);
  });
});
