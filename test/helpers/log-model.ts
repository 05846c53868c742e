import { LogAnalyzer } from '../../src/logs/analyzer.js';
import type { LogModel } from '../../src/logs/model.js';
import { StderrParser } from '../../src/logs/stderr.js';
import { loadParser } from '../../src/sql/parser.js';

// the query shapes need the parser; rule cases are plain values, so it loads when this module does
await loadParser();

export const CASE_PREFIX = '%m [%p] %c %e ';

/** One stderr line in the cases' prefix: `at` is seconds after 10:00:00 (fractions kept to the millisecond). */
export function logLine(
  at: number,
  pid: number,
  severity: string,
  message: string,
  sqlstate = '00000',
): string {
  const base = Date.UTC(2024, 4, 1, 10, 0, 0) + Math.round(at * 1000);
  const time = new Date(base).toISOString().replace('T', ' ').replace('Z', ' UTC');
  return `${time} [${pid}] 6632a0f0.${pid.toString(16)} ${sqlstate} ${severity}:  ${message}`;
}

/** The log model of these stderr lines, as `pgwarden logs` builds it: the model of `log/*` rule cases. */
export function logModel(lines: readonly string[]): LogModel {
  const analyzer = new LogAnalyzer();
  const parser = new StderrParser(CASE_PREFIX, (entry) => analyzer.add(entry), 'case.log');
  for (const line of lines.flatMap((l) => l.split('\n'))) parser.push(line);
  parser.end();
  return analyzer.result([]);
}

/** `n` statements of one session, `gap` seconds apart from `at`. */
export function statements(
  at: number,
  pid: number,
  texts: readonly string[],
  ms = 0.2,
  gap = 0.01,
): string[] {
  return texts.map((text, i) =>
    logLine(at + i * gap, pid, 'LOG', `duration: ${ms.toFixed(3)} ms  statement: ${text}`),
  );
}
