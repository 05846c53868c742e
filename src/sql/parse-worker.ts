/**
 * A parse worker (see parse-pool.ts): parses the SQL files it is given, in order, and posts each result as JSON
 * (which the main thread reads back faster than a structured clone of the syntax trees).
 */
import { parentPort } from 'node:worker_threads';
import { loadParser, parseSqlSync } from './parser.js';

export interface ParseRequest {
  readonly index: number;
  readonly file: string;
  readonly text: string;
}

export interface ParseResponse {
  readonly index: number;
  /** The ParsedSql without its `source`, as JSON; or the error when parsing threw. */
  readonly json?: string;
  readonly error?: string;
}

const port = parentPort;
if (port) {
  const ready = loadParser();
  port.on('message', (requests: readonly ParseRequest[]) => {
    void ready.then(() => {
      for (const { index, file, text } of requests) {
        let response: ParseResponse;
        try {
          const { source: _source, ...rest } = parseSqlSync(text, { file });
          response = { index, json: JSON.stringify(rest) };
        } catch (error) {
          response = { index, error: (error as Error)?.stack ?? String(error) };
        }
        port.postMessage(response);
      }
    });
  });
}
