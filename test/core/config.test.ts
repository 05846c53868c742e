import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/core/config.js';
import { resolveRuleSettings } from '../../src/core/engine.js';
import { PgwardenError } from '../../src/core/errors.js';
import { allRules } from '../../src/rules/index.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgwarden-config-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe('config loading', () => {
  it('uses the defaults when there is no config anywhere up the tree', () => {
    const dir = project({ 'a/b/.keep': '' });
    const loaded = loadConfig({ cwd: join(dir, 'a', 'b') });
    expect(loaded.config.failOn).toBe('error');
    expect(loaded.config.databaseUrlEnv).toBe('DATABASE_URL');
    expect(loaded.config.embedded.version).toBe(18);
  });

  it('finds pgwarden.config.json upward from the working directory', () => {
    const dir = project({
      'pgwarden.config.json': JSON.stringify({ failOn: 'warning', pgVersion: 14 }),
      'src/deep/.keep': '',
    });
    const loaded = loadConfig({ cwd: join(dir, 'src', 'deep') });
    expect(loaded.path).toBe(join(dir, 'pgwarden.config.json'));
    expect(loaded.dir).toBe(dir);
    expect(loaded.config.failOn).toBe('warning');
    expect(loaded.config.pgVersion).toBe(14);
  });

  it('has one target major: pgVersion is the embedded server’s too, and the old embedded.version is still read', () => {
    const target = loadConfig({
      cwd: project({ 'pgwarden.config.json': JSON.stringify({ pgVersion: 15 }) }),
    });
    expect(target.config.pgVersion).toBe(15);
    expect(target.config.embedded.version).toBe(15);
    expect(target.notes).toEqual([]);

    const old = loadConfig({
      cwd: project({ 'pgwarden.config.json': JSON.stringify({ embedded: { version: 16 } }) }),
    });
    expect(old.config.pgVersion).toBe(16);
    expect(old.config.embedded.version).toBe(16);
    expect(old.notes).toEqual([
      expect.stringMatching(/"embedded\.version" is deprecated: write "pgVersion": 16/),
    ]);

    const both = loadConfig({
      cwd: project({
        'package.json': JSON.stringify({ pgwarden: { pgVersion: 14, embedded: { version: 17 } } }),
      }),
    });
    expect(both.config.pgVersion).toBe(14);
    expect(both.config.embedded.version).toBe(14);
    expect(both.notes).toEqual([
      expect.stringMatching(
        /key "pgwarden"\): "embedded\.version" is deprecated and ignored \(17\): "pgVersion" \(14\)/,
      ),
    ]);
  });

  it('reads the pgwarden key of package.json, and the nearest config wins', () => {
    const dir = project({
      'package.json': JSON.stringify({ name: 'app', pgwarden: { failOn: 'info' } }),
      'nested/pgwarden.config.json': JSON.stringify({ failOn: 'none' }),
    });
    expect(loadConfig({ cwd: dir }).config.failOn).toBe('info');
    expect(loadConfig({ cwd: join(dir, 'nested') }).config.failOn).toBe('none');
  });

  it('ignores a package.json without a pgwarden key and keeps searching upward', () => {
    const dir = project({
      'pgwarden.config.json': JSON.stringify({ failOn: 'warning' }),
      'pkg/package.json': JSON.stringify({ name: 'inner' }),
    });
    expect(loadConfig({ cwd: join(dir, 'pkg') }).config.failOn).toBe('warning');
  });

  it('rejects unknown keys, wrong values and broken JSON with the file and the key', () => {
    expect(() => parseConfig({ failOnn: 'error' }, 'x.json')).toThrow(
      /x\.json: \(top level\): unknown key "failOnn"/,
    );
    expect(() => parseConfig({ pgVersion: 9 }, 'x.json')).toThrow(/pgVersion/);
    expect(() => parseConfig({ rules: { 'sql/syntax-error': 'loud' } }, 'x.json')).toThrow(/rules/);
    const dir = project({ 'pgwarden.config.json': '{ "failOn": ' });
    expect(() => loadConfig({ cwd: dir })).toThrow(/not valid JSON/);
    try {
      loadConfig({ cwd: dir });
    } catch (error) {
      expect(error).toBeInstanceOf(PgwardenError);
      expect((error as PgwardenError).exitCode).toBe(2);
    }
  });

  it('suggests the key meant for a mistyped one, at the top level and inside a section', () => {
    const hintOf = (input: unknown): string | undefined => {
      try {
        parseConfig(input, 'x.json');
      } catch (error) {
        return (error as PgwardenError).hint;
      }
      return undefined;
    };
    expect(() => parseConfig({ thresholdz: {} }, 'x.json')).toThrow(
      /\(top level\): unknown key "thresholdz"/,
    );
    expect(hintOf({ thresholdz: {} })).toMatch(/did you mean "thresholds"/);
    expect(hintOf({ thresholds: { largeTableRow: 5 } })).toMatch(/did you mean "largeTableRows"/);
    expect(hintOf({ zzzzzzzz: 1 })).toMatch(/the keys accepted here are .*"databaseUrlEnv"/);
  });

  it('refuses a config that is null, an array or a scalar instead of taking the defaults silently', () => {
    for (const text of ['null', '[]', '42', '"x"']) {
      const dir = project({ 'pgwarden.config.json': text });
      expect(() => loadConfig({ cwd: dir })).toThrow(/must be a JSON object/);
    }
    const pkg = project({ 'package.json': '{ "name": "x", "pgwarden": null }' });
    expect(() => loadConfig({ cwd: pkg })).toThrow(/key "pgwarden".*must be a JSON object/);
    expect(loadConfig({ cwd: project({ 'pgwarden.config.json': '{}' }) }).path).toMatch(
      /pgwarden\.config\.json$/,
    );
  });

  it('requires an explicit --config file to exist', () => {
    expect(() => loadConfig({ path: '/nonexistent/pgwarden.config.json' })).toThrow(/config file not found/);
  });

  it('accepts every form of rule setting', () => {
    const config = parseConfig(
      {
        rules: {
          'sql/syntax-error': 'warning',
          'sql/unused-ignore': ['off', {}],
          'sql/ignore-without-reason': { level: 'info' },
        },
      },
      'x.json',
    );
    const settings = resolveRuleSettings(config.rules, allRules);
    expect(settings.get('sql/syntax-error')?.level).toBe('warning');
    expect(settings.get('sql/unused-ignore')?.level).toBe('off');
    expect(settings.get('sql/ignore-without-reason')?.level).toBe('info');
  });

  it('rejects an unknown rule id and suggests the closest one', () => {
    const config = parseConfig({ rules: { 'sql/syntax-eror': 'warning' } }, 'x.json');
    expect(() => resolveRuleSettings(config.rules, allRules)).toThrow(/unknown rule "sql\/syntax-eror"/);
    try {
      resolveRuleSettings(config.rules, allRules);
    } catch (error) {
      expect((error as PgwardenError).hint).toMatch(/did you mean "sql\/syntax-error"/);
    }
  });

  it('rejects options for a rule that takes none', () => {
    const config = parseConfig({ rules: { 'sql/syntax-error': ['error', { threshold: 3 }] } }, 'x.json');
    expect(() => resolveRuleSettings(config.rules, allRules)).toThrow(/takes no options/);
  });
});
