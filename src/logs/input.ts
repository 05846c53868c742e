import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { lstat, open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { PgwardenError } from '../core/errors.js';
import { readCsvLog } from './csvlog.js';
import type { LogEntry, LogFormat } from './entry.js';
import { jsonEntry } from './jsonlog.js';
import { StderrParser } from './stderr.js';
import { isSyslogLine, SyslogParser } from './syslog.js';

/** One log file to read (or standard input, `-`), with its format once known. */
export interface LogFile {
  readonly path: string;
  readonly format: LogFormat | null;
  /** Byte range to read, end excluded (incremental runs); default: all of it. */
  readonly start?: number;
  readonly end?: number;
}

export interface ReadOptions {
  /** The format of every file; default: from the name (.csv, .json), else from the first bytes. */
  readonly format?: LogFormat;
  /** stderr logs: the server's log_line_prefix; default: detected from the first lines. */
  readonly prefix?: string;
  /** Standard input, for `-`. */
  readonly stdin?: Readable;
}

export interface FileRead {
  readonly path: string;
  readonly format: LogFormat;
  readonly bytes: number;
  readonly compressed: boolean;
  /** The prefix a stderr log was read with. */
  readonly prefix: string | null;
  /** Lines (or records) that were not log messages pgwarden could read. */
  readonly unreadable: number;
}

const LOG_NAME = /\.(log|csv|json|txt)(\.gz|\.zst)?$|^postgresql.*(\.gz)?$/;

function formatFromName(path: string): LogFormat | null {
  const name = basename(path).replace(/\.(gz|zst)$/, '');
  if (name.endsWith('.csv')) return 'csvlog';
  if (name.endsWith('.json')) return 'jsonlog';
  return null;
}

/**
 * The files behind the arguments: a file, `-`, or a folder's log files (by name, in order). When a folder holds
 * the same log in several formats (log_destination = 'stderr,csvlog,jsonlog'), one format is read, jsonlog first,
 * then csvlog: reading all of them would count every event two or three times.
 */
export async function listLogFiles(
  paths: readonly string[],
  format?: LogFormat,
): Promise<{ files: LogFile[]; skipped: string[] }> {
  const files: LogFile[] = [];
  const skipped: string[] = [];
  for (const path of paths) {
    if (path === '-') {
      files.push({ path, format: format ?? null });
      continue;
    }
    const info = await stat(path).catch(() => undefined);
    if (!info)
      throw new PgwardenError('input', `${path}: no such file or folder`, {
        hint: 'give log files, a log folder (e.g. $PGDATA/log), or - for standard input',
      });
    // a pipe (<(zcat …)), /dev/stdin or a device reads as a file does
    if (!info.isDirectory()) {
      files.push({ path, format: format ?? formatFromName(path) });
      continue;
    }
    const names = (await readdir(path)).filter((n) => !n.startsWith('.') && LOG_NAME.test(n)).sort();
    const found: LogFile[] = [];
    for (const name of names) {
      const full = join(path, name);
      // a link is not followed: it could lead out of the folder given (MCP confines paths to the project)
      if ((await lstat(full)).isFile()) found.push({ path: full, format: format ?? formatFromName(full) });
    }
    const kinds = new Set(found.map((f) => f.format ?? 'stderr'));
    const preferred = (['jsonlog', 'csvlog', 'stderr'] as const).find((k) => kinds.has(k));
    for (const file of found) {
      if (kinds.size > 1 && (file.format ?? 'stderr') !== preferred) skipped.push(file.path);
      else files.push(file);
    }
  }
  if (files.length === 0)
    throw new PgwardenError('input', `no log files in ${paths.join(', ')}`, {
      hint: 'pgwarden reads *.log, *.csv and *.json files (gzip-compressed too) of a log folder',
    });
  return { files, skipped };
}

async function magic(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buffer, 0, 4, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const isGzip = (head: Buffer) => head[0] === 0x1f && head[1] === 0x8b;
const isZstd = (head: Buffer) => head.length === 4 && head.readUInt32LE(0) === 0xfd2fb528;

/** Whether a file is gzip- or zstd-compressed (by its first bytes or its name). */
export async function isCompressedFile(path: string): Promise<boolean> {
  const head = await magic(path);
  return isGzip(head) || isZstd(head) || /\.(gz|zst)$/.test(path);
}

/** The file's bytes, decompressed when gzip; and how many bytes were read from disk. */
async function openFile(
  file: LogFile,
  stdin: Readable | undefined,
): Promise<{ stream: Readable; compressed: boolean; counted: () => number }> {
  let raw: Readable;
  let head: Buffer;
  if (file.path === '-') {
    // the first chunk says whether it is gzip; then the stream goes on from that chunk
    const iterator = (stdin ?? process.stdin)[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
    const first = await iterator.next();
    head = first.done ? Buffer.alloc(0) : Buffer.from(first.value);
    raw = Readable.from(
      (async function* () {
        if (!first.done) yield Buffer.from(first.value);
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          yield Buffer.from(next.value);
        }
      })(),
      { objectMode: false },
    );
  } else {
    head = await magic(file.path);
    const start = file.start ?? 0;
    // an empty range: createReadStream reads to the end when end < start
    if (file.end !== undefined && file.end <= start) raw = Readable.from([]);
    else
      raw = createReadStream(file.path, {
        highWaterMark: 1 << 16,
        start,
        ...(file.end === undefined ? {} : { end: file.end - 1 }),
      });
  }
  let bytes = 0;
  raw.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  if (isZstd(head) || /\.zst$/.test(file.path))
    return { stream: unzstd(raw, file.path), compressed: true, counted: () => bytes };
  const compressed = isGzip(head) || /\.gz$/.test(file.path);
  const stream = compressed ? raw.pipe(createGunzip()) : raw;
  if (compressed) raw.on('error', (error) => stream.destroy(error));
  return { stream, compressed, counted: () => bytes };
}

/**
 * A zstd stream decompressed by the `zstd` program (Node 20's zlib has no zstd): the compressed bytes go to its
 * standard input, the log comes out of its standard output. No `zstd` program, or a file it cannot read, is an
 * input error naming the file.
 */
function unzstd(raw: Readable, path: string): Readable {
  const child = spawn('zstd', ['-d', '-c', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = new PassThrough();
  // a missing program fails at once, before the reader has subscribed: the stream keeps the error (its reader
  // meets it), instead of an 'error' event nobody listens to ending the process
  out.on('error', () => {});
  let stderr = '';
  let failed = false;
  const fail = (error: Error) => {
    if (failed) return;
    failed = true;
    raw.destroy();
    child.kill();
    out.destroy(error);
  };
  child.on('error', (error: NodeJS.ErrnoException) =>
    fail(
      error.code === 'ENOENT'
        ? new PgwardenError('input', `${path}: zstd-compressed, and no zstd program to read it with`, {
            hint: 'install zstd (apt-get install zstd), or decompress it first: zstd -d FILE',
          })
        : error,
    ),
  );
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  child.stdin.on('error', () => {
    // zstd stopped reading: its exit status says why
  });
  raw.on('error', fail);
  raw.pipe(child.stdin);
  child.stdout.pipe(out, { end: false });
  child.on('close', (code) => {
    if (code === 0) out.end();
    else
      fail(
        new PgwardenError(
          'input',
          `${path}: not a readable zstd file (${stderr.trim().split('\n').at(-1) ?? `exit ${code}`})`,
          {
            hint: 'a log that is still being compressed, or a truncated one: check it with zstd -t',
          },
        ),
      );
  });
  return out;
}

/**
 * Calls `line` for every line of a text stream, without its line end, in log order. Lines are cut from each chunk
 * synchronously: a promise per line would cost more than parsing it.
 */
async function eachLine(
  stream: Readable,
  first: (chunk: string) => 'lines' | 'stop',
  line: (text: string) => void,
): Promise<Readable | null> {
  stream.setEncoding('utf8');
  let rest = '';
  let started = false;
  const iterator = (stream as AsyncIterable<string>)[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = next.value;
    if (!started) {
      started = true;
      if (first(chunk) === 'stop') return remainder(chunk, iterator);
    }
    const text = rest.length > 0 ? rest + chunk : chunk;
    let start = 0;
    let end = text.indexOf('\n');
    while (end !== -1) {
      line(text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end));
      start = end + 1;
      end = text.indexOf('\n', start);
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) line(rest);
  return null;
}

/** The stream again from `chunk` on, for a reader of its own (csvlog found by sniffing). */
function remainder(chunk: string, iterator: AsyncIterator<string>): Readable {
  const out = new PassThrough();
  void (async () => {
    try {
      out.write(chunk);
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        if (!out.write(next.value)) await new Promise((resolve) => out.once('drain', resolve));
      }
      out.end();
    } catch (error) {
      out.destroy(error as Error);
    }
  })();
  return out;
}

/**
 * jsonlog starts with `{`; csvlog with a timestamp then a comma; syslog with a syslog header and PostgreSQL's
 * `[seq-chunk]` in one of its first lines (a syslog file holds other programs' lines too); anything else is taken as
 * stderr.
 */
function sniffFormat(chunk: string): LogFormat {
  if (chunk.startsWith('{')) return 'jsonlog';
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [A-Za-z0-9+:_/-]+)?,/.test(chunk)) return 'csvlog';
  if (chunk.split('\n', 50).some(isSyslogLine)) return 'syslog';
  return 'stderr';
}

function openError(path: string, error: unknown): PgwardenError {
  if (error instanceof PgwardenError) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR')
    return new PgwardenError('input', `${path}: not a readable gzip file (${(error as Error).message})`, {
      hint: 'a log that is still being compressed, or a truncated one: check it with gzip -t',
    });
  return new PgwardenError('input', `${path}: ${(error as Error)?.message ?? String(error)}`, {
    hint: 'give log files pgwarden can read',
    cause: error,
  });
}

/** Reads one file (stderr, csvlog or jsonlog; gzip or not), handing every entry to `emit` in log order. */
export async function readLogFile(
  file: LogFile,
  options: ReadOptions,
  emit: (entry: LogEntry) => void,
): Promise<FileRead> {
  try {
    const { stream, compressed, counted } = await openFile(file, options.stdin);
    // syslog's times have no year: the file's last write places them
    const modified =
      file.path === '-'
        ? Date.now()
        : ((await stat(file.path).catch(() => undefined))?.mtimeMs ?? Date.now());
    let format = file.format;
    let unreadable = 0;
    let prefix: string | null = null;
    if (format === 'csvlog') {
      unreadable = (await readCsvLog(stream, emit)).unmatched;
    } else {
      let parser: StderrParser | SyslogParser | null = null;
      let json = format === 'jsonlog';
      const csv = await eachLine(
        stream,
        (chunk) => {
          format ??= sniffFormat(chunk.slice(0, 64 * 1024));
          if (format === 'csvlog') return 'stop';
          json = format === 'jsonlog';
          if (format === 'syslog') parser = new SyslogParser(options.prefix, emit, file.path, modified);
          else if (!json) parser = new StderrParser(options.prefix, emit, file.path);
          return 'lines';
        },
        (line) => {
          if (json) {
            if (line.length === 0) return;
            const entry = jsonEntry(line);
            if (entry) emit(entry);
            else unreadable++;
          } else (parser as StderrParser | SyslogParser | null)?.push(line);
        },
      );
      if (csv) unreadable = (await readCsvLog(csv, emit)).unmatched;
      const stderr = parser as StderrParser | SyslogParser | null;
      if (stderr) {
        stderr.end();
        unreadable = stderr.unmatched;
        prefix = stderr.prefixUsed;
      }
    }
    return {
      path: file.path,
      format: format ?? 'stderr',
      bytes: counted(),
      compressed,
      prefix,
      unreadable,
    };
  } catch (error) {
    throw openError(file.path, error);
  }
}
