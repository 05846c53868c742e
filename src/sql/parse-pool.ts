import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { ParseRequest, ParseResponse } from './parse-worker.js';
import { loadParser, type ParsedSql, parseSqlSync } from './parser.js';
import { SourceText } from './source-text.js';

/** Below this much SQL, starting a worker (a thread and the parser's WebAssembly) costs more than it saves. */
export const MIN_BYTES_FOR_WORKERS = 512 * 1024;

const WORKER_URL = new URL('./parse-worker.js', import.meta.url);

/** Loaded when a pool starts workers: most lints start none. */
function workerThreads(): typeof import('node:worker_threads') {
  return createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
}

/**
 * Workers to start by default: none on one or two cores. There, V8's own background threads (compilation,
 * garbage collection) already use about as much CPU as the main thread, and a parse worker measured no gain
 * (2,000 migrations: main-thread CPU 1.3 s → 1.0 s, process CPU +0.15 s, wall time within the noise).
 */
function defaultWorkers(): number {
  const cores = availableParallelism();
  return cores >= 4 ? Math.min(cores - 2, 4) : 0;
}

/**
 * Parses many SQL files on worker threads while the main thread works on the ones already parsed: `get(i)`
 * resolves, in any order asked, to what parseSqlSync would return for file i. Parsing is the part of linting
 * that does not depend on earlier files (the schema state does), so it is the part that can run ahead.
 * Files are spread over the workers round-robin; a worker that fails leaves its files to the main thread.
 */
export class ParsePool {
  readonly #sources: readonly { readonly file: string; readonly text: string }[];
  readonly #workers: Worker[] = [];
  readonly #waiting = new Map<number, { resolve: (parsed: ParsedSql) => void; reject: (e: Error) => void }>();
  readonly #done = new Map<number, ParseResponse>();
  readonly #byWorker = new Map<Worker, Set<number>>();
  #closed = false;

  private constructor(sources: readonly { readonly file: string; readonly text: string }[], workers: number) {
    this.#sources = sources;
    for (let w = 0; w < workers; w++) {
      const worker = new (workerThreads().Worker)(WORKER_URL);
      const requests: ParseRequest[] = [];
      for (let index = w; index < sources.length; index += workers)
        requests.push({ index, file: sources[index]!.file, text: sources[index]!.text });
      this.#byWorker.set(worker, new Set(requests.map((r) => r.index)));
      worker.on('message', (response: ParseResponse) => this.#receive(worker, response));
      worker.on('error', () => this.#abandon(worker));
      worker.on('exit', () => this.#abandon(worker));
      worker.postMessage(requests);
      this.#workers.push(worker);
    }
  }

  /**
   * A pool for these files, or undefined when parsing them on this thread is as fast: too little SQL, too few
   * cores, or no compiled worker (running from the TypeScript sources). `workers` (else the environment's
   * PGWARDEN_PARSE_WORKERS) sets the count; 0 parses on this thread.
   */
  static open(
    sources: readonly { readonly file: string; readonly text: string }[],
    workers?: number,
  ): ParsePool | undefined {
    const fromEnv = Number.parseInt(process.env.PGWARDEN_PARSE_WORKERS ?? '', 10);
    const count =
      workers ??
      (Number.isInteger(fromEnv) && fromEnv >= 0 ? fromEnv : undefined) ??
      (sources.reduce((n, s) => n + s.text.length, 0) >= MIN_BYTES_FOR_WORKERS ? defaultWorkers() : 0);
    if (count <= 0 || sources.length < 2 || !existsSync(fileURLToPath(WORKER_URL))) return undefined;
    return new ParsePool(sources, Math.min(count, sources.length));
  }

  /** File `index`, parsed. */
  get(index: number): Promise<ParsedSql> {
    const ready = this.#done.get(index);
    if (ready) {
      this.#done.delete(index);
      return Promise.resolve(this.#revive(index, ready));
    }
    if (![...this.#byWorker.values()].some((indexes) => indexes.has(index))) {
      return loadParser().then(() => this.#parseHere(index));
    }
    return new Promise((resolve, reject) => this.#waiting.set(index, { resolve, reject }));
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  #receive(worker: Worker, response: ParseResponse): void {
    this.#byWorker.get(worker)?.delete(response.index);
    const waiting = this.#waiting.get(response.index);
    if (!waiting) {
      this.#done.set(response.index, response);
      return;
    }
    this.#waiting.delete(response.index);
    try {
      waiting.resolve(this.#revive(response.index, response));
    } catch (error) {
      waiting.reject(error as Error);
    }
  }

  /** A worker stopped: what it had not parsed yet is parsed here. */
  #abandon(worker: Worker): void {
    const left = this.#byWorker.get(worker);
    this.#byWorker.delete(worker);
    if (this.#closed || !left) return;
    for (const index of left) {
      const waiting = this.#waiting.get(index);
      if (!waiting) continue;
      this.#waiting.delete(index);
      loadParser().then(
        () => waiting.resolve(this.#parseHere(index)),
        (error: Error) => waiting.reject(error),
      );
    }
  }

  #parseHere(index: number): ParsedSql {
    const { file, text } = this.#sources[index]!;
    return parseSqlSync(text, { file });
  }

  #revive(index: number, response: ParseResponse): ParsedSql {
    // a worker that threw (input pgwarden cannot analyse): parsed again here, so the error is the one the caller
    // would get without workers (its class, message and hint), not a worker's stack trace
    if (response.json === undefined) return this.#parseHere(index);
    const text = this.#sources[index]!.text;
    const parsed = JSON.parse(response.json) as Omit<ParsedSql, 'source'>;
    return { ...parsed, source: new SourceText(text.startsWith('\uFEFF') ? text.slice(1) : text) };
  }
}
