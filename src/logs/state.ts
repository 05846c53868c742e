import { createHash } from 'node:crypto';
import { open, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { PgwardenError } from '../core/errors.js';
import { type AnalyzerOptions, LogAnalyzer } from './analyzer.js';
import type { LogFormat } from './entry.js';
import { LoopTracker } from './loops.js';
import { QueryShapes } from './queries.js';
import { QuantileSketch } from './sketch.js';
import { Timeline } from './timeline.js';

/**
 * The state of an incremental run (`--incremental STATE`): for each log file read, who it is (device, inode and a
 * hash of its first bytes: a rotated file keeps them under a new name, a new file at the old name does not) and how
 * far it was read; and the analyzer's aggregates at that point, before the report was drawn from them (statements
 * waiting for their duration, loops still running and lock waits still open go on in the next run). The next run
 * reads only what was appended and adds it to those aggregates, so its report is the one a single run over the
 * whole log gives.
 */
const STATE_VERSION = 1;
/** How many bytes of a file's start identify it. */
const HEAD_BYTES = 4096;
/** Files kept in the state: those not seen for a while (rotated away, deleted) go first. */
const MAX_FILES = 1000;

export interface FileState {
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
  readonly headBytes: number;
  readonly headHash: string;
  /** Bytes read: up to the end of the last whole line (the whole file when compressed). */
  readonly offset: number;
  readonly size: number;
  readonly compressed: boolean;
  readonly format: LogFormat;
  readonly prefix: string | null;
  readonly lastRun: string;
}

export interface LogState {
  readonly version: number;
  readonly pgwarden: 'logs-state';
  readonly savedAt: string;
  readonly files: readonly FileState[];
  readonly analyzer: unknown;
}

/** Where a file's reading starts this run, and why. */
export type ResumeStatus = 'new' | 'resumed' | 'unchanged' | 'truncated' | 'replaced';

export interface Resume {
  readonly status: ResumeStatus;
  readonly start: number;
  readonly previous: FileState | null;
}

export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly headBytes: number;
  readonly headHash: string;
}

async function headHash(path: string, bytes: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return createHash('sha256').update(buffer.subarray(0, bytesRead)).digest('hex');
  } finally {
    await handle.close();
  }
}

export async function identify(path: string): Promise<FileIdentity> {
  const info = await stat(path);
  const headBytes = Math.min(HEAD_BYTES, info.size);
  return {
    dev: info.dev,
    ino: info.ino,
    size: info.size,
    headBytes,
    headHash: await headHash(path, headBytes),
  };
}

/**
 * Where to start reading `path`: after what was read of the same file (found by device and inode, whatever its
 * name now, and only if its first bytes are still the same); from the start when it is new, was truncated, or is
 * another file in the same place. A compressed file is read whole or not at all.
 */
export async function resumeFrom(
  path: string,
  identity: FileIdentity,
  state: LogState | null,
): Promise<Resume> {
  const same = state?.files.find((f) => f.dev === identity.dev && f.ino === identity.ino) ?? null;
  if (!same) return { status: 'new', start: 0, previous: null };
  const head =
    same.headBytes === identity.headBytes ? identity.headHash : await headHash(path, same.headBytes);
  if (identity.size < same.offset) return { status: 'truncated', start: 0, previous: same };
  if (head !== same.headHash) return { status: 'replaced', start: 0, previous: same };
  if (same.compressed)
    return identity.size === same.size
      ? { status: 'unchanged', start: identity.size, previous: same }
      : { status: 'replaced', start: 0, previous: same };
  return {
    status: identity.size === same.offset ? 'unchanged' : 'resumed',
    start: same.offset,
    previous: same,
  };
}

/** The end of the last whole line at or before `size`: a line still being written is left for the next run. */
export async function lastLineEnd(path: string, start: number, size: number): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    for (let end = size; end > start; ) {
      const from = Math.max(start, end - buffer.length);
      const { bytesRead } = await handle.read(buffer, 0, end - from, from);
      const at = buffer.subarray(0, bytesRead).lastIndexOf(10);
      if (at !== -1) return from + at + 1;
      end = from;
    }
    return start;
  } finally {
    await handle.close();
  }
}

function stateError(path: string, why: string): PgwardenError {
  return new PgwardenError('input', `${path}: not a state file of pgwarden logs --incremental (${why})`, {
    hint: 'give a new path to start over, or the file an earlier run of pgwarden logs --incremental wrote',
  });
}

export async function loadState(path: string): Promise<LogState | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new PgwardenError('input', `${path}: ${(error as Error).message}`, {
      hint: 'the state file of --incremental must be readable and writable',
    });
  }
  let state: LogState;
  try {
    state = JSON.parse(text) as LogState;
  } catch {
    throw stateError(path, 'not JSON');
  }
  if (state?.pgwarden !== 'logs-state' || !Array.isArray(state.files)) throw stateError(path, 'not one');
  if (state.version !== STATE_VERSION)
    throw stateError(path, `version ${state.version}, this pgwarden writes ${STATE_VERSION}`);
  return state;
}

/** Writes the state next to its place, then moves it there: a run cut short leaves the last one whole. */
export async function saveState(
  path: string,
  files: readonly FileState[],
  previous: LogState | null,
  analyzer: LogAnalyzer,
): Promise<void> {
  const seen = new Set(files.map((f) => `${f.dev}:${f.ino}`));
  const kept = (previous?.files ?? []).filter((f) => !seen.has(`${f.dev}:${f.ino}`));
  const all = [...files, ...kept].slice(0, MAX_FILES);
  const state: LogState = {
    version: STATE_VERSION,
    pgwarden: 'logs-state',
    savedAt: new Date().toISOString(),
    files: all,
    analyzer: encode(analyzer, analyzer.shapes),
  };
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(state));
  await rename(temporary, path);
}

/** The analyzer of the state, its aggregates as they were, reading with this run's options (--since, --until). */
export function restoreAnalyzer(state: LogState, options: AnalyzerOptions): LogAnalyzer {
  const fresh = new LogAnalyzer(options);
  const saved = state.analyzer as Record<string, Encoded>;
  const shapes = new Map<string, unknown>();
  for (const [id, shape] of (saved.shapes as { byFingerprint: { $map: [string, Encoded][] } }).byFingerprint
    .$map)
    shapes.set(id, decode(shape, shapes));
  const target = fresh as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(saved)) {
    if (key === 'options') continue;
    if (key === 'shapes') {
      const byFingerprint = (fresh.shapes as unknown as { byFingerprint: Map<string, unknown> })
        .byFingerprint;
      for (const [id, shape] of shapes) byFingerprint.set(id, shape);
      continue;
    }
    target[key] = decode(value, shapes);
  }
  return fresh;
}

// ---------------------------------------------------------------------------------------------------------------
// The analyzer's aggregates as JSON: Maps, the few classes they hold, non-finite numbers, and query shapes by their
// fingerprint (a loop still running compares its shape by identity with the next statement's).

type Encoded = unknown;

const CLASSES: Readonly<Record<string, { prototype: object }>> = {
  QuantileSketch,
  Timeline,
  LoopTracker,
};

function encode(value: unknown, shapes: QueryShapes, top = true): Encoded {
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $num: String(value) };
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Map)
    return {
      $map: [...value.entries()].map(([k, v]) => [encode(k, shapes, false), encode(v, shapes, false)]),
    };
  if (Array.isArray(value)) return value.map((v) => encode(v, shapes, false));
  if (value instanceof QueryShapes) {
    const byFingerprint = (value as unknown as { byFingerprint: Map<string, object> }).byFingerprint;
    return {
      byFingerprint: {
        $map: [...byFingerprint.entries()].map(([id, shape]) => [id, shape]),
      },
    };
  }
  if (
    !top &&
    'fingerprint' in value &&
    'lookups' in value &&
    shapes.known(String(value.fingerprint)) === value
  )
    return { $shape: value.fingerprint };
  const name = Object.entries(CLASSES).find(([, c]) => Object.getPrototypeOf(value) === c.prototype)?.[0];
  const out: Record<string, Encoded> = name ? { $class: name } : {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = encode(v, shapes, false);
  return out;
}

function decode(value: Encoded, shapes: ReadonlyMap<string, unknown>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => decode(v, shapes));
  const record = value as Record<string, Encoded>;
  if ('$num' in record) return Number(record.$num);
  if ('$map' in record)
    return new Map(
      (record.$map as [Encoded, Encoded][]).map(([k, v]) => [decode(k, shapes), decode(v, shapes)]),
    );
  if ('$shape' in record) return shapes.get(String(record.$shape));
  const cls = typeof record.$class === 'string' ? CLASSES[record.$class] : undefined;
  const out: Record<string, unknown> = cls ? Object.create(cls.prototype) : {};
  for (const [key, v] of Object.entries(record)) if (key !== '$class') out[key] = decode(v, shapes);
  return out;
}
