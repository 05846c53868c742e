import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { cliPath, projectRoot } from '../helpers/cli.js';

interface PackageJson {
  license: string;
  files: string[];
  dependencies: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as PackageJson;

function declarationFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return declarationFiles(path);
    return entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `pg` → `pg`, `@scope/name/sub` → `@scope/name`, `node:fs` → null. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function typesPackage(name: string): string {
  return name.startsWith('@') ? `@types/${name.slice(1).replace('/', '__')}` : `@types/${name}`;
}

/** The package carries its own declarations (a `types` field or condition, or an index.d.ts). */
function shipsTypes(name: string): boolean {
  const folder = join(projectRoot, 'node_modules', name);
  const manifest = join(folder, 'package.json');
  if (!existsSync(manifest)) return false;
  return (
    /"typ(?:es|ings)"\s*:/.test(readFileSync(manifest, 'utf8')) || existsSync(join(folder, 'index.d.ts'))
  );
}

describe('the published package', () => {
  it('ships its licence', () => {
    expect(pkg.license).toBe('MIT');
    expect(existsSync(join(projectRoot, 'LICENSE'))).toBe(true);
    expect(pkg.files).toContain('LICENSE');
  });

  it('declares in its dependencies every package its type declarations import (a consumer without skipLibCheck)', () => {
    // the built package (npm test builds it first): dist/, where dist/bin/pgwarden.js is
    const dist = dirname(dirname(cliPath));
    expect(existsSync(dist), 'run npm run build first').toBe(true);
    const missing = new Set<string>();
    for (const file of declarationFiles(dist)) {
      const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      for (const imported of importedFiles) {
        const name = packageOf(imported.fileName);
        if (!name) continue;
        const declared =
          name in pkg.dependencies && (shipsTypes(name) || typesPackage(name) in pkg.dependencies);
        if (!declared) missing.add(`${name} (imported by ${file.slice(dist.length + 1)})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});
