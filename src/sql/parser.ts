import {
  fingerprintSync,
  loadModule,
  normalizeSync,
  type ParseResult,
  parsePlPgSQLSync,
  parseSync,
  type ScanToken,
  scanSync,
} from 'libpg-query';
import { PgwardenError } from '../core/errors.js';
import type { Suppression } from '../core/suppression.js';
import { asNode, type Node, nodeKind, stringValues, walk } from './ast.js';
import { indexFromScan, lexSql, type TokenIndex } from './lexer.js';
import { statementObjects } from './objects.js';
import { type Position, SourceText } from './source-text.js';

let moduleLoad: Promise<void> | undefined;

/** Loads the parser's WebAssembly module once; every other function here needs it loaded. */
export function loadParser(): Promise<void> {
  moduleLoad ??= loadModule();
  return moduleLoad;
}

export type StatementOrigin =
  | { readonly kind: 'file' }
  /** A statement inside a PL/pgSQL function body or DO block; `dynamic` when it is an EXECUTE of a literal. */
  | { readonly kind: 'function-body'; readonly parent: number; readonly dynamic: boolean };

export interface SqlStatement {
  /** Position in `statements` (file statements) or `embedded` (function-body statements). */
  readonly index: number;
  /** The AST node type, e.g. `CreateStmt`, `AlterTableStmt`, `IndexStmt`. */
  readonly kind: string;
  /** The statement's AST: `{ [kind]: payload }`. */
  readonly ast: Node;
  /** The statement's text, without the terminating semicolon. */
  readonly text: string;
  readonly start: Position;
  readonly end: Position;
  readonly origin: StatementOrigin;
  /** UTF-8 byte offset in the source where the AST's `location` fields count from. */
  readonly astOffset: number;
}

export interface SqlSyntaxError {
  readonly message: string;
  readonly position: Position;
  /** The statement text that failed (as far as pgwarden could delimit it). */
  readonly text: string;
}

export interface SqlComment {
  readonly text: string;
  readonly start: Position;
  readonly end: Position;
}

/** A SQL source parsed by PostgreSQL's own parser: the model of every SQL rule. */
export interface ParsedSql {
  readonly file: string;
  readonly source: SourceText;
  readonly statements: readonly SqlStatement[];
  /** Statements found inside PL/pgSQL function bodies and DO blocks. */
  readonly embedded: readonly SqlStatement[];
  readonly syntaxErrors: readonly SqlSyntaxError[];
  readonly comments: readonly SqlComment[];
  readonly suppressions: readonly Suppression[];
  /** Identifiers over 63 bytes, as written (the parser itself truncates them, as PostgreSQL does). */
  readonly longIdentifiers: readonly {
    readonly name: string;
    readonly bytes: number;
    readonly position: Position;
  }[];
  /** PostgreSQL major of the grammar that parsed it. */
  readonly parserVersion: number;
}

interface RawSyntaxError {
  message: string;
  /** 0-based character offset in the text given to the parser. */
  cursor: number;
}

function syntaxErrorOf(error: unknown): RawSyntaxError {
  const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
  const message = details?.message ?? (error instanceof Error ? error.message : String(error));
  return { message, cursor: details?.cursorPosition ?? 0 };
}

const COMMENT_TOKENS = new Set(['SQL_COMMENT', 'C_COMMENT']);
const SEMICOLON = 'ASCII_59';

function tryScan(text: string): ScanToken[] | undefined {
  try {
    return scanSync(text).tokens;
  } catch {
    return undefined;
  }
}

/**
 * The parse tree of a PL/pgSQL function (the JSON of pg_query's PL/pgSQL parser, for the whole
 * `CREATE FUNCTION … LANGUAGE plpgsql` text). Throws on what the PL/pgSQL parser rejects. Needs the parser loaded.
 */
export function parsePlpgsqlSync(text: string): unknown {
  return parsePlPgSQLSync(text);
}

/**
 * Splits and parses a SQL file. Never throws on bad SQL: a statement PostgreSQL would reject becomes a syntax
 * error with its line and column, and the statements around it are still parsed.
 */
export function parseSqlSync(text: string, options: { file?: string } = {}): ParsedSql {
  try {
    return parseFile(text, options);
  } catch (error) {
    if (!(error instanceof TooDeeplyNested)) throw error;
    throw new PgwardenError(
      'input',
      `${options.file ?? '<input>'}: a statement is nested too deeply for pgwarden to analyse (its syntax tree exhausts the JavaScript stack)`,
      { hint: 'split the expression into smaller statements, or leave this file out of the check' },
    );
  }
}

function parseFile(text: string, options: { file?: string }): ParsedSql {
  const file = options.file ?? '<input>';
  const source = new SourceText(text.startsWith('\uFEFF') ? text.slice(1) : text);
  const statements: SqlStatement[] = [];
  const syntaxErrors: SqlSyntaxError[] = [];
  // PostgreSQL rejects a NUL character in query text; the parser would silently stop there.
  const nul = source.text.indexOf('\u0000');
  if (nul >= 0) {
    syntaxErrors.push({
      message: 'invalid NUL character in SQL text',
      position: source.positionAt(nul),
      text: '',
    });
  }
  // trailing whitespace (a migration's blanked down section) is left out: nothing to parse there
  const end = contentEnd(source.text, nul >= 0 ? nul : source.text.length);
  const parseable = end < source.text.length ? source.text.slice(0, end) : source.text;
  const bytes = parseable === source.text ? source.bytes : Buffer.from(parseable, 'utf8');

  let result: ParseResult | undefined;
  let index: TokenIndex | undefined;
  const large = bytes.length > WHOLE_FILE_BYTES ? lexSql(bytes) : undefined;
  if (large) {
    parseInBatches(source, large, bytes.length, statements, syntaxErrors);
    index = large;
  } else {
    try {
      // the parser refuses an empty string; an empty file simply has no statements
      result = parseable === '' ? { stmts: [] } : parseSync(parseable);
    } catch (error) {
      throwIfTooDeep(error);
      const raw = syntaxErrorOf(error);
      const tokens = tryScan(parseable);
      parseChunked(source, tokens, raw, statements, syntaxErrors, [0, bytes.length]);
      index = indexFromScan(tokens ?? []);
    }
  }
  if (result) {
    // the text parsed, so it scans: the JavaScript lexer is enough, unless it meets what it does not model
    index = lexSql(bytes) ?? indexFromScan(tryScan(parseable) ?? []);
    for (const raw of result.stmts ?? []) {
      if (!raw.stmt) continue;
      const begin = raw.stmt_location ?? 0;
      const finish = raw.stmt_len ? begin + raw.stmt_len : bytes.length;
      addStatement(source, index.bounds, 0, begin, finish, raw.stmt, statements);
    }
  }
  const tokens = index ?? indexFromScan([]);

  const embedded: SqlStatement[] = [];
  for (const statement of statements) collectEmbedded(source, tokens, statement, embedded, syntaxErrors);

  const comments = tokens.comments.map((token) => ({
    text: source.sliceBytes(token.start, token.end),
    start: source.positionAtByte(token.start),
    end: source.positionAtByte(token.end),
  }));

  return {
    file,
    source,
    statements,
    embedded,
    syntaxErrors: syntaxErrors.sort((a, b) => a.position.offset - b.position.offset),
    comments,
    suppressions: suppressionsOf(file, comments, statements, syntaxErrors),
    longIdentifiers: tokens.longIdentifiers
      .map((token) => {
        const written = source.sliceBytes(token.start, token.end);
        const name = written.startsWith('"')
          ? written.slice(1, -1).replace(/""/g, '"')
          : written.toLowerCase();
        return { name, bytes: Buffer.byteLength(name, 'utf8'), position: source.positionAtByte(token.start) };
      })
      .filter((identifier) => identifier.bytes > 63),
    parserVersion: 18,
  };
}

/** Where the text up to `limit` ends, trailing whitespace (as PostgreSQL's scanner knows it) left out. */
function contentEnd(text: string, limit: number): number {
  let end = limit;
  for (;;) {
    const c = text.charCodeAt(end - 1);
    if (c === 32 || (c >= 9 && c <= 13)) end--;
    else return end;
  }
}

export async function parseSql(text: string, options: { file?: string } = {}): Promise<ParsedSql> {
  await loadParser();
  return parseSqlSync(text, options);
}

/** Adds a statement whose AST came from parsing bytes [begin, finish) of `source` (shifted by `base`). */
function addStatement(
  source: SourceText,
  bounds: TokenIndex['bounds'],
  base: number,
  begin: number,
  finish: number,
  ast: Node,
  into: SqlStatement[],
): void {
  const [first, last] = bounds(base + begin, base + finish);
  const startByte = first ?? base + begin;
  const endByte = last ?? base + finish;
  const kind = nodeKind(ast) ?? 'Unknown';
  into.push({
    index: into.length,
    kind,
    ast,
    text: source.sliceBytes(startByte, endByte),
    start: source.positionAtByte(startByte),
    end: source.positionAtByte(endByte),
    origin: { kind: 'file' },
    astOffset: base,
  });
}

/** Byte offsets of the first and last non-comment, non-semicolon tokens inside [from, to). */
function tokenBounds(
  tokens: readonly ScanToken[],
  from: number,
  to: number,
): [number | undefined, number | undefined] {
  let low = 0;
  let high = tokens.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (tokens[mid]!.start < from) low = mid + 1;
    else high = mid;
  }
  let first: number | undefined;
  let last: number | undefined;
  for (let i = low; i < tokens.length && tokens[i]!.start < to; i++) {
    const token = tokens[i]!;
    if (COMMENT_TOKENS.has(token.tokenName) || token.tokenName === SEMICOLON) continue;
    first ??= token.start;
    last = token.end;
  }
  return [first, last];
}

/**
 * The whole file did not parse: split it at top-level semicolons with the scanner and parse each piece alone,
 * so one bad statement does not hide the others.
 */
function parseChunked(
  source: SourceText,
  tokens: readonly ScanToken[] | undefined,
  fileError: RawSyntaxError,
  statements: SqlStatement[],
  syntaxErrors: SqlSyntaxError[],
  range: readonly [from: number, to: number],
): void {
  const [rangeStart, rangeEnd] = range;
  // the parser's cursor counts characters from the start of the text it was given: the range
  const cursorChar = source.charOffset(rangeStart) + fileError.cursor;
  let usable = tokens;
  let tailStart: number | undefined;
  if (!usable) {
    // The scanner itself failed (an unterminated quote or comment): scan what precedes the error.
    const errorByte =
      rangeStart +
      Buffer.byteLength(source.sliceBytes(rangeStart, rangeEnd).slice(0, fileError.cursor), 'utf8');
    const prefixTokens = shifted(tryScan(source.sliceBytes(rangeStart, errorByte)) ?? [], rangeStart);
    let lastSemicolon = -1;
    for (const token of prefixTokens) if (token.tokenName === SEMICOLON) lastSemicolon = token.end;
    usable = prefixTokens.filter((token) => token.end <= lastSemicolon);
    tailStart = Math.max(lastSemicolon, rangeStart);
  }

  const chunks: [number, number][] = [];
  let chunkStart = rangeStart;
  for (const token of usable) {
    if (token.tokenName === SEMICOLON) {
      chunks.push([chunkStart, token.start]);
      chunkStart = token.end;
    }
  }
  const end = tailStart ?? rangeEnd;
  if (chunkStart < end) chunks.push([chunkStart, end]);

  for (let i = 0; i < chunks.length; i++) {
    let [from, to] = chunks[i]!;
    let chunkText = source.sliceBytes(from, to);
    let parsed = tryParse(chunkText);
    // SQL-standard function bodies (BEGIN ATOMIC ... END) contain semicolons: grow the piece until it parses.
    if ('error' in parsed && /\bbegin\s+atomic\b/i.test(chunkText)) {
      for (let j = i + 1; j < chunks.length; j++) {
        const grown = source.sliceBytes(from, chunks[j]![1]);
        const attempt = tryParse(grown);
        if (!('error' in attempt)) {
          to = chunks[j]![1];
          chunkText = grown;
          parsed = attempt;
          i = j;
          break;
        }
      }
    }
    if ('error' in parsed) {
      const [firstToken] = tokenBounds(tokens ?? usable, from, to);
      const startByte = firstToken ?? from;
      const errorChar = source.charOffset(from) + parsed.error.cursor;
      syntaxErrors.push({
        message: parsed.error.message,
        position: source.positionAt(errorChar),
        text: source.sliceBytes(startByte, to).trimEnd(),
      });
      continue;
    }
    for (const raw of parsed.result.stmts ?? []) {
      if (!raw.stmt) continue;
      const begin = raw.stmt_location ?? 0;
      const finish = raw.stmt_len ? begin + raw.stmt_len : to - from;
      addStatement(
        source,
        (low, high) => tokenBounds(tokens ?? usable, low, high),
        from,
        begin,
        finish,
        raw.stmt,
        statements,
      );
    }
  }

  if (tailStart !== undefined) {
    const startChar = source.charOffset(tailStart);
    const errorChar = Math.max(cursorChar, startChar);
    syntaxErrors.push({
      message: fileError.message,
      position: source.positionAt(errorChar),
      text: source.text.slice(startChar, source.charOffset(rangeEnd)).trim(),
    });
  }
}

/**
 * Above this size a file is parsed in batches of whole statements, cut at the semicolons the lexer found: the
 * WebAssembly parser's memory is bounded, and a file of tens of megabytes parsed whole exhausts it.
 */
const WHOLE_FILE_BYTES = 4 * 1024 * 1024;
const BATCH_BYTES = 512 * 1024;

function parseInBatches(
  source: SourceText,
  index: TokenIndex,
  byteLength: number,
  statements: SqlStatement[],
  syntaxErrors: SqlSyntaxError[],
): void {
  let batchStart = 0;
  const cuts = [...index.semicolons.map((semicolon) => semicolon + 1), byteLength];
  for (const [k, cut] of cuts.entries()) {
    if (cut - batchStart < BATCH_BYTES && k < cuts.length - 1) continue;
    const text = source.sliceBytes(batchStart, cut);
    if (text.trim() !== '') {
      const parsed = tryParse(text);
      if ('error' in parsed) {
        const tokens = tryScan(text);
        parseChunked(source, tokens && shifted(tokens, batchStart), parsed.error, statements, syntaxErrors, [
          batchStart,
          cut,
        ]);
      } else {
        for (const raw of parsed.result.stmts ?? []) {
          if (!raw.stmt) continue;
          const begin = raw.stmt_location ?? 0;
          const finish = raw.stmt_len ? begin + raw.stmt_len : cut - batchStart;
          addStatement(source, index.bounds, batchStart, begin, finish, raw.stmt, statements);
        }
      }
    }
    batchStart = cut;
  }
}

/** Scanner tokens of a piece of the file, moved to the piece's place in the file. */
function shifted(tokens: readonly ScanToken[], by: number): ScanToken[] {
  return by === 0
    ? [...tokens]
    : tokens.map((token) => ({ ...token, start: token.start + by, end: token.end + by }));
}

function tryParse(text: string): { result: ParseResult } | { error: RawSyntaxError } {
  try {
    return { result: parseSync(text) };
  } catch (error) {
    throwIfTooDeep(error);
    return { error: syntaxErrorOf(error) };
  }
}

/**
 * A statement nested so deeply that reading its syntax tree exhausts JavaScript's stack is not a syntax error
 * (PostgreSQL may well accept it): it is input pgwarden cannot analyse, and says so.
 */
class TooDeeplyNested extends Error {}

function throwIfTooDeep(error: unknown): void {
  if (error instanceof RangeError && /call stack/i.test(error.message))
    throw new TooDeeplyNested(error.message);
}

function defElemString(options: readonly Node[] | undefined, name: string): string | undefined {
  for (const option of options ?? []) {
    const def = asNode<{ defname?: string; arg?: Node }>(option, 'DefElem');
    if (def?.defname !== name) continue;
    const direct = asNode<{ sval?: string }>(def.arg, 'String')?.sval;
    if (direct !== undefined) return direct;
    const list = asNode<{ items?: Node[] }>(def.arg, 'List');
    return stringValues(list?.items)[0];
  }
  return undefined;
}

/** PL/pgSQL bodies (functions, procedures, DO blocks): their SQL statements become `embedded` statements. */
function collectEmbedded(
  source: SourceText,
  index: TokenIndex,
  statement: SqlStatement,
  embedded: SqlStatement[],
  syntaxErrors: SqlSyntaxError[],
): void {
  let options: Node[] | undefined;
  if (statement.kind === 'CreateFunctionStmt') {
    options = asNode<{ options?: Node[] }>(statement.ast, 'CreateFunctionStmt')?.options;
  } else if (statement.kind === 'DoStmt') {
    options = asNode<{ args?: Node[] }>(statement.ast, 'DoStmt')?.args;
  } else {
    return;
  }
  const language = (defElemString(options, 'language') ?? 'plpgsql').toLowerCase();
  if (language !== 'plpgsql') return;
  const body = defElemString(options, 'as');
  if (body === undefined) return;

  const bodyStart = bodyStartOffset(source, index, statement, body);
  const bodyLine = source.positionAt(bodyStart).line;
  let functions: unknown;
  try {
    functions = parsePlPgSQLSync(statement.text);
  } catch (error) {
    syntaxErrors.push({
      message: `in PL/pgSQL body: ${syntaxErrorOf(error).message}`,
      position: source.positionAt(bodyStart),
      text: statement.text,
    });
    return;
  }

  let searchFrom = bodyStart;
  walk(functions, (kind, payload) => {
    const lineno = typeof payload.lineno === 'number' ? payload.lineno : undefined;
    const queries: { text: string; dynamic: boolean }[] = [];
    if (kind === 'PLpgSQL_stmt_dynexecute') {
      const literal = plainStringLiteral(asNode<{ query?: string }>(payload.query, 'PLpgSQL_expr')?.query);
      if (literal !== undefined) queries.push({ text: literal, dynamic: true });
    } else if (kind.startsWith('PLpgSQL_stmt_')) {
      for (const value of Object.values(payload)) {
        const expr = asNode<{ query?: string; parseMode?: number }>(value, 'PLpgSQL_expr');
        if (expr?.query !== undefined && (expr.parseMode ?? 0) === 0)
          queries.push({ text: expr.query, dynamic: false });
      }
    }
    for (const query of queries) {
      let parsed: ParseResult;
      try {
        parsed = parseSync(query.text);
      } catch {
        continue; // PL/pgSQL variables make some statements unparsable on their own; PostgreSQL checks them at run time
      }
      const lineStart = lineno === undefined ? searchFrom : source.lineStart(bodyLine + lineno - 1);
      const needle = query.dynamic ? query.text.split('\n')[0]! : query.text;
      const found = source.text.indexOf(needle, Math.max(lineStart, bodyStart));
      const startOffset = found >= 0 ? found : lineStart;
      if (found >= 0) searchFrom = found + needle.length;
      for (const raw of parsed.stmts ?? []) {
        if (!raw.stmt) continue;
        embedded.push({
          index: embedded.length,
          kind: nodeKind(raw.stmt) ?? 'Unknown',
          ast: raw.stmt,
          text: query.text,
          start: source.positionAt(startOffset),
          end: source.positionAt(startOffset + (query.dynamic ? needle.length : query.text.length)),
          origin: { kind: 'function-body', parent: statement.index, dynamic: query.dynamic },
          astOffset: Buffer.byteLength(source.text.slice(0, startOffset), 'utf8'),
        });
      }
    }
  });
}

function bodyStartOffset(
  source: SourceText,
  index: TokenIndex,
  statement: SqlStatement,
  body: string,
): number {
  const startByte = Buffer.byteLength(source.text.slice(0, statement.start.offset), 'utf8');
  const endByte = Buffer.byteLength(source.text.slice(0, statement.end.offset), 'utf8');
  for (const token of index.strings) {
    if (token.start < startByte || token.start >= endByte) continue;
    const text = source.sliceBytes(token.start, token.end);
    if (text.includes(body.slice(0, 40))) return source.charOffset(token.start);
  }
  return statement.start.offset;
}

/** The value of a plain `'...'` literal (the only EXECUTE argument whose SQL is known before run time). */
function plainStringLiteral(expression: string | undefined): string | undefined {
  if (!expression) return undefined;
  const match = /^'((?:[^']|'')*)'$/s.exec(expression.trim());
  return match ? match[1]!.replace(/''/g, "'") : undefined;
}

const IGNORE = /^(?:--|\/\*)\s*pgwarden-ignore(?=\s|\*\/|$)(.*?)\s*(?:\*\/)?\s*$/s;

function suppressionsOf(
  file: string,
  comments: readonly SqlComment[],
  statements: readonly SqlStatement[],
  syntaxErrors: readonly SqlSyntaxError[],
): Suppression[] {
  const out: Suppression[] = [];
  for (const comment of comments) {
    const match = IGNORE.exec(comment.text);
    if (!match) continue;
    const body = match[1]!;
    const colon = body.indexOf(':');
    const ruleText = colon >= 0 ? body.slice(0, colon) : body;
    const reason = colon >= 0 ? body.slice(colon + 1).trim() : '';
    const rules = ruleText
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter(Boolean);
    // A trailing comment covers the statement on its line; otherwise the next statement.
    const trailing = [...statements]
      .reverse()
      .find((s) => s.end.line === comment.start.line && s.end.offset <= comment.start.offset);
    const next = statements.find((s) => s.start.offset >= comment.end.offset);
    const errorTarget = syntaxErrors.find((e) => e.position.offset >= comment.end.offset);
    const errorFirst = errorTarget && (!next || errorTarget.position.offset < next.start.offset);
    const target = trailing ?? (errorFirst ? undefined : next);
    const fromLine = target?.start.line ?? errorTarget?.position.line ?? comment.start.line;
    const toLine = target?.end.line ?? errorTarget?.position.line ?? comment.start.line;
    out.push({
      rules,
      reason: reason.length > 0 ? reason : null,
      location: { file, line: comment.start.line, column: comment.start.column },
      scope: { file, fromLine, toLine, objects: target ? statementObjects(target.ast) : [] },
    });
  }
  return out;
}

/** A stable hash of a statement's structure (constants and names of aliases ignored), as pg_stat_statements. */
export function fingerprint(sql: string): string {
  return fingerprintSync(sql);
}

/** The statement with its constants replaced by `$n` parameters. */
export function normalize(sql: string): string {
  return normalizeSync(sql);
}

/** Where an AST node's `location` (a byte offset the parser reported) is in the file. */
export function positionOfAst(
  parsed: ParsedSql,
  statement: SqlStatement,
  location: number | undefined,
): Position {
  if (location === undefined || location < 0) return statement.start;
  return parsed.source.positionAtByte(statement.astOffset + location);
}
