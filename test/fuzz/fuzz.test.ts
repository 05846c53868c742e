import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { createRuleSet } from '../../src/core/engine.js';
import { isPgwardenError } from '../../src/core/errors.js';
import { buildPlanModel } from '../../src/explain/model.js';
import { parsePlans } from '../../src/explain/plan.js';
import { checkSql } from '../../src/ops/check-sql.js';
import { allRules } from '../../src/rules/index.js';
import { loadParser, parseSqlSync } from '../../src/sql/parser.js';
import { projectRoot } from '../helpers/cli.js';

/**
 * Random and mutated input, from a fixed seed (change FUZZ_SEED to explore): pgwarden may refuse what it is given,
 * but only with its own one-line errors (PgwardenError, exit 2), never with an internal error.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 150);

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function files(folder: string, extension: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return files(path, extension);
    return entry.name.endsWith(extension) ? [path] : [];
  });
}

const TOKENS = [
  ';',
  '(',
  ')',
  "'",
  '"',
  '$$',
  '$x$',
  '--',
  '/*',
  '*/',
  ',',
  'DROP',
  'TABLE',
  'CONCURRENTLY',
  'BEGIN',
  'COMMIT',
  'NOT VALID',
  'ALTER',
  'INDEX',
  'DO',
  "E'\\",
  '\u0000',
  '\uFEFF',
  '🙂',
  'NULL',
  '::',
  '[',
  ']',
  '{',
  '}',
  ':',
  '1e999',
  '-0',
  'true',
  '"Plans"',
  '"Node Type"',
  '\n',
  '\\',
];

function mutate(text: string, next: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(next() * 6);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * (out.length + 1));
    const choice = next();
    if (choice < 0.3) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(next() * 20));
    else if (choice < 0.6)
      out = out.slice(0, at) + TOKENS[Math.floor(next() * TOKENS.length)]! + out.slice(at);
    else if (choice < 0.75) out = out.slice(0, at);
    else if (choice < 0.9) {
      const from = Math.floor(next() * out.length);
      out = out.slice(0, at) + out.slice(from, from + 40) + out.slice(at);
    } else out = out.slice(0, at) + String.fromCharCode(Math.floor(next() * 0xffff)) + out.slice(at);
  }
  return out;
}

/** Runs `work`; a PgwardenError is an accepted refusal, anything else is a defect named with its input. */
async function refusesCleanly(what: string, input: string, work: () => unknown): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (isPgwardenError(error)) {
      expect(error.message, `${what}: an error message is one line`).not.toMatch(/\n/);
      return;
    }
    throw new Error(
      `${what}: internal error ${(error as Error)?.stack ?? error}\non input:\n${input.slice(0, 2000)}`,
    );
  }
}

beforeAll(async () => {
  await loadParser();
});

describe(`fuzzing (seed ${SEED}, ${ROUNDS} rounds each)`, () => {
  const sql = files(join(projectRoot, 'examples'), '.sql')
    .concat(files(join(projectRoot, 'test', 'fixtures'), '.sql'))
    .map((file) => readFileSync(file, 'utf8'));
  const plans = files(join(projectRoot, 'test', 'fixtures', 'plans'), '.json').map((file) =>
    readFileSync(file, 'utf8'),
  );
  const ruleSet = createRuleSet(allRules);

  it('parses and lints mutated SQL without an internal error', async () => {
    const next = random(SEED);
    for (let round = 0; round < ROUNDS; round++) {
      const text = mutate(sql[Math.floor(next() * sql.length)]!, next);
      await refusesCleanly('parse', text, () => parseSqlSync(text, { file: 'fuzz.sql' }));
      for (const pgVersion of [13, 18]) {
        await refusesCleanly(`lint for ${pgVersion}`, text, () =>
          checkSql([{ file: 'fuzz.sql', text, transaction: next() < 0.8 }], { pgVersion, ruleSet }),
        );
      }
    }
  });

  it('reads mutated and random plans without an internal error', async () => {
    const next = random(SEED + 1);
    for (let round = 0; round < ROUNDS; round++) {
      const text =
        next() < 0.8 ? mutate(plans[Math.floor(next() * plans.length)]!, next) : randomJson(next, 4);
      await refusesCleanly('plan', text, () => {
        for (const plan of parsePlans(text)) buildPlanModel({ plan });
      });
    }
  });

  it('refuses mutated and random configs only with config errors', async () => {
    const next = random(SEED + 2);
    const valid = JSON.stringify({
      pgVersion: 16,
      failOn: 'warning',
      thresholds: { smallTableRows: 10, largeTableRows: 1000 },
      rules: { 'sql/syntax-error': ['warning', {}] },
      migrations: { dir: 'db' },
    });
    for (let round = 0; round < ROUNDS; round++) {
      const text = next() < 0.7 ? mutate(valid, next) : randomJson(next, 3);
      let input: unknown;
      try {
        input = JSON.parse(text);
      } catch {
        continue; // not JSON: the loader's own "is not valid JSON" error, tested elsewhere
      }
      await refusesCleanly('config', text, () => parseConfig(input, 'fuzz.json'));
    }
  });
});

function randomJson(next: () => number, depth: number): string {
  const value = (level: number): unknown => {
    const kind = Math.floor(next() * (level > 0 ? 7 : 5));
    if (kind === 0) return null;
    if (kind === 1) return next() < 0.5;
    if (kind === 2) return (next() - 0.5) * 10 ** Math.floor(next() * 20);
    if (kind === 3) return TOKENS[Math.floor(next() * TOKENS.length)];
    if (kind === 4) return 'Seq Scan';
    if (kind === 5) return Array.from({ length: Math.floor(next() * 4) }, () => value(level - 1));
    const keys = [
      'Plan',
      'Plans',
      'Node Type',
      'Actual Rows',
      'Total Cost',
      'rules',
      'pgVersion',
      'thresholds',
    ];
    return Object.fromEntries(
      Array.from({ length: Math.floor(next() * 4) }, () => [
        keys[Math.floor(next() * keys.length)]!,
        value(level - 1),
      ]),
    );
  };
  return JSON.stringify(value(depth));
}
