/**
 * Reading what was given as a plan: JSON text (also as psql, a CSV export or a log printed it) or a parsed value,
 * down to the objects that hold a `Plan`; every problem is a PgwardenError('input') saying what and where.
 */
import { PgwardenError } from '../core/errors.js';

const HINT =
  'pass the output of EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) <statement>: a JSON array with one object';

export function inputError(message: string): PgwardenError {
  return new PgwardenError('input', message, { hint: HINT });
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `the ${typeof value} ${String(value)}`;
}

export function readInput(input: unknown): { value: unknown; queryIds: (string | null)[] } {
  if (input instanceof Uint8Array) return readInput(new TextDecoder().decode(input));
  if (typeof input === 'string') {
    let value = parseJsonText(input);
    // JSON that holds the plan as a JSON string (a plan stored in a JSON or log field).
    if (typeof value === 'string' && /^\s*[[{]/.test(value)) value = parseJsonText(value);
    // Query identifiers are 64-bit: JSON.parse rounds them, so take the digits from the text.
    const queryIds = input.includes('"Query Identifier"')
      ? [...input.matchAll(/"Query Identifier"\s*:\s*(-?\d+)/g)].map((m) => m[1]!)
      : [];
    return { value, queryIds };
  }
  if (input === undefined) throw inputError('no plan given');
  let value: unknown;
  try {
    // The model is frozen: never freeze (or keep references into) the caller's objects.
    value = structuredClone(input);
  } catch {
    throw inputError(`the plan is ${describeValue(input)} that is not plain JSON data`);
  }
  return { value, queryIds: [] };
}

export function planDocuments(value: unknown): { object: JsonObject; path: string }[] {
  // The rows of the EXPLAIN query as a client library returns them: [{ "QUERY PLAN": … }].
  if (Array.isArray(value) && value.length === 1 && isObject(value[0]) && 'QUERY PLAN' in value[0]) {
    const cell = value[0]['QUERY PLAN'];
    return planDocuments(typeof cell === 'string' ? readInput(cell).value : cell);
  }
  if (Array.isArray(value)) {
    if (value.length === 0)
      throw inputError('the plan is an empty JSON array: expected the output of EXPLAIN (FORMAT JSON)');
    return value.map((item, index) => {
      const path = `[${index}]`;
      if (!isObject(item))
        throw inputError(`${path} is ${describeValue(item)}: expected an object with a "Plan" key`);
      if (!('Plan' in item)) {
        throw inputError(
          `${path} has no "Plan" key (keys: ${Object.keys(item).slice(0, 8).join(', ') || 'none'})`,
        );
      }
      return { object: item, path };
    });
  }
  if (isObject(value)) {
    if ('Plan' in value) return [{ object: value, path: '' }];
    if ('Node Type' in value) return [{ object: { Plan: value }, path: '' }];
    const keys = Object.keys(value).slice(0, 8).join(', ') || 'none';
    throw inputError(`the JSON object has neither a "Plan" nor a "Node Type" key (keys: ${keys})`);
  }
  throw inputError(`the plan is ${describeValue(value)}: expected the JSON output of EXPLAIN (FORMAT JSON)`);
}

// ---------------------------------------------------------------------------------------------------------------
// Text input: JSON, possibly as psql or a log printed it

function parseJsonText(input: string): unknown {
  const text = input.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw inputError('the plan is empty');
  try {
    return JSON.parse(text);
  } catch {
    // not plain JSON: clean up below
  }
  const cleaned = cleanPsqlOutput(text);
  try {
    return JSON.parse(cleaned.text);
  } catch {
    // report below
  }
  const body = cleaned.text;
  const first = body.search(/\S/);
  if (first >= 0 && body[first] !== '[' && body[first] !== '{') {
    // A plan inside other text (an auto_explain log line, an echoed statement): from the first [ or {.
    const start = body.search(/^\s*[[{]\s*$|[[{]\s*"/m);
    if (start > 0) {
      const open = body.slice(start).search(/[[{]/) + start;
      const close = Math.max(body.lastIndexOf(']'), body.lastIndexOf('}'));
      if (close > open) {
        try {
          return JSON.parse(body.slice(open, close + 1));
        } catch {
          throw syntaxError(body, cleaned, open, close + 1);
        }
      }
    }
    if (
      /\(cost=\d|\(actual (time|rows)=|^\s*(->\s+)?(Seq Scan|Index|Hash|Nested Loop|Aggregate|Sort|Limit|Result)\b/m.test(
        body,
      )
    ) {
      throw inputError(
        'this is a plan in text format: pgwarden reads the JSON format, EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)',
      );
    }
    const line = body.slice(first).split('\n')[0]!.trim();
    throw inputError(
      `the plan is not JSON: it starts with ${JSON.stringify(line.length > 40 ? `${line.slice(0, 40)}…` : line)}`,
    );
  }
  throw syntaxError(body, cleaned, 0, body.length);
}

interface CleanText {
  readonly text: string;
  /** Characters removed at the start of each line, to report positions in the text as given. */
  readonly removed: readonly number[];
}

/**
 * Undoes psql's table formatting line by line (lines are blanked, never removed, so line numbers still match the
 * input): the `QUERY PLAN` header, rule lines, `(1 row)`, `-[ RECORD 1 ]` lines, borders and the `+` that marks a
 * continued line. Also unquotes a CSV cell (`"[…""Plan""…]"`).
 */
function cleanPsqlOutput(text: string): CleanText {
  let source = text;
  // psql --csv, or a cell copied from a GUI client: the document quoted, its quotes doubled.
  const csv = /^\s*(?:QUERY PLAN\s*\r?\n)?\s*("[[{][\s\S]*[\]}]")\s*$/.exec(text);
  if (csv?.[1]?.includes('""')) source = csv[1].slice(1, -1).replace(/""/g, '"');
  const lines = source.split(/\r?\n/);
  const removed: number[] = [];
  const out = lines.map((line) => {
    if (
      /^\s*[|│║]?\s*QUERY PLAN\s*[|│║]?\s*$/.test(line) ||
      /^\s*\(\d+ rows?\)\s*$/.test(line) ||
      /^-\[ RECORD \d+ \]/.test(line) ||
      (/^[\s\-+=─═┌┐└┘├┤┬┴┼╔╗╚╝╠╣╦╩╬╞╡╪|│║]*$/.test(line) && /[-─═]{3}/.test(line))
    ) {
      removed.push(0);
      return '';
    }
    let start = 0;
    const prefix = /^\s*(QUERY PLAN\s*)?[|│║]/.exec(line);
    if (prefix) start = prefix[0].length;
    let end = line.length;
    // No JSON line ends with + or |: there they are psql's continuation mark and border.
    const suffix = /\s*[+↵]?\s*[|│║]?\s*$/.exec(line.slice(start));
    if (suffix) end = start + suffix.index;
    removed.push(start);
    return line.slice(start, end);
  });
  return { text: out.join('\n'), removed };
}

function syntaxError(body: string, cleaned: CleanText, from: number, to: number): PgwardenError {
  const slice = body.slice(from, to);
  const problem = locateJsonError(slice);
  const offset = from + problem.offset;
  const before = body.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n') + (cleaned.removed[line - 1] ?? 0);
  const lineText = (body.split('\n')[line - 1] ?? '').trim();
  const excerpt = lineText.length > 60 ? `${lineText.slice(0, 60)}…` : lineText;
  return inputError(
    `the plan is not valid JSON: ${problem.message} at line ${line}, column ${column}${excerpt ? ` (${JSON.stringify(excerpt)})` : ''}`,
  );
}

/** Finds where and why JSON.parse fails (V8's messages do not always say where). */
export function locateJsonError(text: string): { offset: number; message: string } {
  let i = 0;
  const fail = (message: string): never => {
    throw { offset: i, message };
  };
  const found = () => (i >= text.length ? 'the end of the text' : JSON.stringify(text[i]));
  const space = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`expected a value, found ${found()}`);
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        i++;
        if (
          text[i] === 'u'
            ? !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))
            : !/^["\\/bfnrt]$/.test(text[i] ?? '')
        ) {
          fail('an invalid escape sequence in a string');
        }
      } else if (text.charCodeAt(i) < 0x20) fail('a control character (a line break?) inside a string');
      i++;
    }
    if (i >= text.length) fail('a string that is never closed');
    i++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) fail(`expected a value, found ${found()}`);
    i += match![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 1000) fail('nesting deeper than 1,000 levels');
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      space();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${found()}`);
        string();
        space();
        if (text[i] !== ':') fail(`expected ":" after the property name, found ${found()}`);
        i++;
        value(depth + 1);
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`expected "," or "}" after a property, found ${found()}`);
      }
    }
    if (c === '[') {
      i++;
      space();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`expected "," or "]" after an array element, found ${found()}`);
      }
    }
    if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c !== undefined && /[-\d]/.test(c)) number();
    else fail(`expected a value, found ${found()}`);
  };
  try {
    value(0);
    space();
    if (i < text.length) fail(`unexpected ${found()} after the end of the JSON value`);
  } catch (error) {
    if (error && typeof error === 'object' && 'offset' in error)
      return error as { offset: number; message: string };
    throw error;
  }
  return { offset: 0, message: 'invalid JSON' };
}
