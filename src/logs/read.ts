import type { Readable } from 'node:stream';
import { PgwardenError } from '../core/errors.js';
import { loadParser } from '../sql/parser.js';
import { LogAnalyzer } from './analyzer.js';
import type { LogFormat } from './entry.js';
import { type FileRead, isCompressedFile, type LogFile, listLogFiles, readLogFile } from './input.js';
import type { LogFileRead, LogModel } from './model.js';
import {
  type FileState,
  identify,
  lastLineEnd,
  loadState,
  type Resume,
  restoreAnalyzer,
  resumeFrom,
  saveState,
} from './state.js';

export interface ReadLogsOptions {
  /** Files, folders, or `-` for standard input. */
  readonly paths: readonly string[];
  readonly format?: LogFormat;
  /** stderr logs: the server's log_line_prefix (default: detected). */
  readonly prefix?: string;
  /** Epoch ms bounds. */
  readonly since?: number;
  readonly until?: number;
  readonly stdin?: Readable;
  /**
   * A state file: read only what was appended since the run that wrote it, add it to that run's aggregates, and
   * write the state again (created when missing).
   */
  readonly incremental?: string;
  /** Called after each file, for progress. */
  readonly progress?: (file: LogFileRead) => void;
}

/** Reads the logs, streaming, into the log model. */
export async function readLogs(options: ReadLogsOptions): Promise<LogModel> {
  await loadParser();
  const { files, skipped } = await listLogFiles(options.paths, options.format);
  const bounds = { since: options.since, until: options.until };
  if (options.incremental !== undefined)
    return readIncrementally(options, options.incremental, files, skipped);
  const analyzer = new LogAnalyzer(bounds);
  const add = analyzer.add.bind(analyzer);
  const read: LogFileRead[] = [];
  for (const file of files) {
    const result = await readLogFile(file, { prefix: options.prefix, stdin: options.stdin }, add);
    read.push(result);
    options.progress?.(result);
  }
  return analyzer.result(read, skipped);
}

async function readIncrementally(
  options: ReadLogsOptions,
  statePath: string,
  files: readonly LogFile[],
  skipped: string[],
): Promise<LogModel> {
  if (files.some((f) => f.path === '-'))
    throw new PgwardenError('usage', '--incremental reads files: standard input cannot be resumed', {
      hint: 'give the log files or the log folder',
    });
  const state = await loadState(statePath);
  const bounds = { since: options.since, until: options.until };
  const analyzer = state ? restoreAnalyzer(state, bounds) : new LogAnalyzer(bounds);
  const add = analyzer.add.bind(analyzer);
  const read: LogFileRead[] = [];
  const saved: FileState[] = [];
  for (const file of files) {
    const identity = await identify(file.path);
    const resume: Resume = await resumeFrom(file.path, identity, state);
    const previous = resume.previous;
    const continued = resume.status === 'resumed' || resume.status === 'unchanged';
    const format = file.format ?? (continued ? previous!.format : null);
    const prefix = options.prefix ?? (continued ? (previous!.prefix ?? undefined) : undefined);
    let result: FileRead;
    let end = identity.size;
    if (resume.status === 'unchanged')
      result = {
        path: file.path,
        format: previous!.format,
        bytes: 0,
        compressed: previous!.compressed,
        prefix: previous!.prefix,
        unreadable: 0,
      };
    else {
      // a compressed file is read whole, once
      const compressed = await isCompressedFile(file.path);
      end = compressed ? identity.size : await lastLineEnd(file.path, resume.start, identity.size);
      result = await readLogFile(
        compressed ? { path: file.path, format } : { path: file.path, format, start: resume.start, end },
        { prefix },
        add,
      );
    }
    const entry = { ...result, resumed: resume.status, startOffset: resume.start };
    read.push(entry);
    options.progress?.(entry);
    saved.push({
      path: file.path,
      dev: identity.dev,
      ino: identity.ino,
      headBytes: identity.headBytes,
      headHash: identity.headHash,
      offset: end,
      size: identity.size,
      compressed: result.compressed,
      format: result.format,
      prefix: result.prefix,
      lastRun: new Date().toISOString(),
    });
  }
  // the aggregates before the report is drawn from them: the report closes what is still open
  await saveState(statePath, saved, state, analyzer);
  return analyzer.result(read, skipped);
}
