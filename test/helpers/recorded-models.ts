/**
 * Recorded models for the rule cases: what a server read for a case (catalog rows, statistics, a plan and its
 * facts), stored as JSON under test/fixtures/models/, so the case runs again in milliseconds with no server.
 *
 * A recording is keyed by a hash of what the server was given (the setup, the statement, the settings…): change
 * a case and its recording no longer matches, so the case runs on the server until it is recorded again. Record
 * with the server-backed tests:
 *
 *   PGWARDEN_RECORD_MODELS=1 npx vitest run test/rules/rules.test.ts [-t <rule id>]
 *
 * Re-record after changing what pgwarden reads (src/catalog/queries.ts, schema/stats.ts, explain/facts.ts…).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlanReading } from '../../src/ops/explain.js';
import type { SchemaReading } from '../../src/schema/load.js';
import type { KeywordRow } from '../../src/schema/stats.js';

export const MODELS_DIR = fileURLToPath(new URL('../fixtures/models', import.meta.url));

/** Recording mode: every case runs on the server and what it read is written. */
export const RECORDING = process.env.PGWARDEN_RECORD_MODELS === '1';

/** A schema reading without its keyword list (the server's, shared by every recording of that major). */
export type StoredSchemaReading = Omit<SchemaReading, 'keywords'> & { readonly keywordsOf: number };

export type Recorded =
  | { readonly kind: 'schema'; readonly reading: SchemaReading }
  | { readonly kind: 'plan'; readonly reading: PlanReading };

type Stored =
  | { readonly kind: 'schema'; readonly label: string; readonly reading: StoredSchemaReading }
  | { readonly kind: 'plan'; readonly label: string; readonly reading: PlanReading };

interface ModelFile {
  readonly rule: string;
  readonly recordings: Record<string, Stored>;
}

/** The key of what the server is given: equal inputs share a recording. */
export function recordingKey(input: Record<string, unknown>): string {
  return createHash('sha256')
    .update(JSON.stringify(sortKeys(input)))
    .digest('hex')
    .slice(0, 16);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, sortKeys(v)]),
  );
}

function fileOf(ruleId: string): string {
  return join(MODELS_DIR, `${ruleId}.json`);
}

function keywordsFile(major: number): string {
  return join(MODELS_DIR, 'keywords', `pg${major}.json`);
}

const files = new Map<string, ModelFile | null>();
const keywords = new Map<number, KeywordRow[]>();

function load(ruleId: string): ModelFile | null {
  if (!files.has(ruleId)) {
    const path = fileOf(ruleId);
    files.set(ruleId, existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ModelFile) : null);
  }
  return files.get(ruleId)!;
}

function keywordsFor(major: number): KeywordRow[] {
  let rows = keywords.get(major);
  if (!rows) {
    rows = JSON.parse(readFileSync(keywordsFile(major), 'utf8')) as KeywordRow[];
    keywords.set(major, rows);
  }
  return rows;
}

/** The recording of `key` for the rule, if there is one. */
export function recorded(ruleId: string, key: string): Recorded | undefined {
  const stored = load(ruleId)?.recordings[key];
  if (!stored) return undefined;
  if (stored.kind === 'plan') return { kind: 'plan', reading: stored.reading };
  const { keywordsOf, ...rest } = stored.reading;
  return { kind: 'schema', reading: { ...rest, keywords: keywordsFor(keywordsOf) } };
}

const pending = new Map<string, Map<string, Stored>>();

/** Keeps what a case read, to be written by `saveRecordings`. */
export function keepRecording(ruleId: string, key: string, label: string, recording: Recorded): void {
  const forRule = pending.get(ruleId) ?? new Map<string, Stored>();
  pending.set(ruleId, forRule);
  if (recording.kind === 'plan') {
    forRule.set(key, { kind: 'plan', label, reading: recording.reading });
    return;
  }
  const { keywords: words, ...rest } = recording.reading;
  const major = rest.catalog.server.major;
  const path = keywordsFile(major);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(words)}\n`);
  }
  forRule.set(key, { kind: 'schema', label, reading: { ...rest, keywordsOf: major } });
}

/**
 * Writes the rule's recordings: those made in this run, and the earlier ones whose key is still a case's (a run
 * filtered with -t keeps the others); a recording no case has any more is dropped.
 */
export function saveRecordings(ruleId: string, currentKeys: ReadonlySet<string>): void {
  const made = pending.get(ruleId);
  if (!made || made.size === 0) return;
  const recordings: Record<string, Stored> = {};
  for (const [key, stored] of Object.entries(load(ruleId)?.recordings ?? {}))
    if (currentKeys.has(key)) recordings[key] = stored;
  for (const [key, stored] of made) if (currentKeys.has(key)) recordings[key] = stored;
  const sorted = Object.fromEntries(Object.entries(recordings).sort(([a], [b]) => a.localeCompare(b)));
  const file: ModelFile = { rule: ruleId, recordings: sorted };
  mkdirSync(dirname(fileOf(ruleId)), { recursive: true });
  // one recording a line: a re-recorded case is a one-line diff
  const lines = Object.entries(sorted).map(
    ([key, stored]) => `  ${JSON.stringify(key)}: ${JSON.stringify(stored)}`,
  );
  writeFileSync(
    fileOf(ruleId),
    `{\n "rule": ${JSON.stringify(ruleId)},\n "recordings": {\n${lines.join(',\n')}\n }\n}\n`,
  );
  files.set(ruleId, file);
  pending.delete(ruleId);
}
