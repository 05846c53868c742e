import type { Readable } from 'node:stream';
import { loadParser } from '../sql/parser.js';
import { LogAnalyzer } from './analyzer.js';
import type { LogFormat } from './entry.js';
import { listLogFiles, readLogFile } from './input.js';
import type { LogFileRead, LogModel } from './model.js';

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
  /** Called after each file, for progress. */
  readonly progress?: (file: LogFileRead) => void;
}

/** Reads the logs, streaming, into the log model. */
export async function readLogs(options: ReadLogsOptions): Promise<LogModel> {
  await loadParser();
  const { files, skipped } = await listLogFiles(options.paths, options.format);
  const analyzer = new LogAnalyzer({ since: options.since, until: options.until });
  const add = analyzer.add.bind(analyzer);
  const read: LogFileRead[] = [];
  for (const file of files) {
    const result = await readLogFile(file, { prefix: options.prefix, stdin: options.stdin }, add);
    read.push(result);
    options.progress?.(result);
  }
  return analyzer.result(read, skipped);
}
