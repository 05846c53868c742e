import { type ParserPlugin, parse } from '@babel/parser';

/** The smallest view of a Babel node this module needs; the rest is walked generically. */
interface JsNode {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly [key: string]: unknown;
}

interface JsComment {
  readonly type: 'CommentLine' | 'CommentBlock';
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

/** How the SQL is written in the code. */
export type LiteralKind = 'string' | 'template' | 'tagged-template' | 'concatenation';

/** SQL text found in a code file, with the way back from each of its characters to the code. */
export interface SqlFragment {
  /** The SQL: the literal's value, each interpolated or concatenated expression replaced by a `$n` parameter. */
  readonly sql: string;
  /** For each character of `sql` (and one past its end), its offset in the code file. */
  readonly offsets: readonly number[];
  readonly literal: LiteralKind;
  /** The template's tag as written (`sql`, `sql.unsafe`, `sql.type(User)` → `sql.type`). */
  readonly tag: string | null;
  /** The `$n` parameters that stand for code expressions, with the expression's source. */
  readonly parameters: ReadonlyMap<number, string>;
  /** Offsets of the whole expression in the code file. */
  readonly start: number;
  readonly end: number;
}

export interface CodeComment {
  readonly text: string;
  readonly block: boolean;
  readonly start: number;
  readonly end: number;
}

export interface CodeParseError {
  readonly message: string;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
}

export interface CodeExtraction {
  /** Literals that look like SQL (they start with a DML keyword); the caller keeps those that parse. */
  readonly fragments: readonly SqlFragment[];
  readonly comments: readonly CodeComment[];
  /** Set when the file is not JavaScript or TypeScript the parser understands (then nothing was extracted). */
  readonly error: CodeParseError | null;
}

/** Extensions of the code files read for SQL. */
export const CODE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

function pluginsFor(file: string): ParserPlugin[] {
  const lower = file.toLowerCase();
  if (lower.endsWith('.tsx')) return ['typescript', 'jsx', 'decorators-legacy'];
  if (/\.[mc]?ts$/.test(lower)) return ['typescript', 'decorators-legacy'];
  return ['jsx', 'decorators-legacy'];
}

const SQL_START = /^(?:select|with|insert|update|delete|merge)\b/i;

/** True when text, after leading blanks and SQL comments, starts with a DML keyword (or SELECT/WITH). */
export function looksLikeSql(text: string): boolean {
  let rest = text;
  for (;;) {
    const trimmed = rest.trimStart();
    if (trimmed.startsWith('--')) {
      const newline = trimmed.indexOf('\n');
      if (newline < 0) return false;
      rest = trimmed.slice(newline + 1);
    } else if (trimmed.startsWith('/*')) {
      const close = trimmed.indexOf('*/');
      if (close < 0) return false;
      rest = trimmed.slice(close + 2);
    } else {
      return SQL_START.test(trimmed);
    }
  }
}

/**
 * Reads the string literals, template literals, tagged templates and `+` concatenations of a JavaScript or
 * TypeScript file with Babel's parser, and keeps those whose text starts like a SQL query. Never throws on bad code:
 * a file the parser cannot read gives `error`.
 */
export function extractSql(code: string, file: string): CodeExtraction {
  let program: { program: unknown; comments?: JsComment[] | null };
  try {
    program = parse(code, {
      sourceType: 'unambiguous',
      plugins: pluginsFor(file),
      errorRecovery: true,
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      allowImportExportEverywhere: true,
      allowUndeclaredExports: true,
      allowSuperOutsideMethod: true,
      allowNewTargetOutsideFunction: true,
    }) as unknown as typeof program;
  } catch (error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\(\d+:\d+\)$/, '');
    return {
      fragments: [],
      comments: [],
      error: { message, line: loc?.line ?? 1, column: (loc?.column ?? 0) + 1 },
    };
  }
  const fragments: SqlFragment[] = [];
  new Extractor(code, fragments).visit(program.program);
  const comments = (program.comments ?? []).map((c) => ({
    text: c.value,
    block: c.type === 'CommentBlock',
    start: c.start,
    end: c.end,
  }));
  return { fragments, comments, error: null };
}

type Piece =
  | { readonly kind: 'text'; readonly start: number; readonly end: number; readonly template: boolean }
  | { readonly kind: 'expression'; readonly node: JsNode; readonly at: number };

const SKIPPED_KEYS = new Set([
  'type',
  'start',
  'end',
  'loc',
  'range',
  'extra',
  'comments',
  'leadingComments',
  'trailingComments',
  'innerComments',
]);

function isNode(value: unknown): value is JsNode {
  return !!value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string';
}

class Extractor {
  constructor(
    private readonly code: string,
    private readonly out: SqlFragment[],
  ) {}

  visit(value: unknown): void {
    if (Array.isArray(value)) {
      for (const item of value) this.visit(item);
      return;
    }
    if (!isNode(value)) return;
    switch (value.type) {
      // module names and literal types are strings, never queries
      case 'ImportDeclaration':
      case 'ExportAllDeclaration':
      case 'TSLiteralType':
      case 'TSExternalModuleReference':
      case 'TSImportType':
        return;
      case 'ExportNamedDeclaration':
        this.visit(value.declaration);
        return;
      case 'StringLiteral':
        this.add([{ kind: 'text', start: value.start + 1, end: value.end - 1, template: false }], value);
        return;
      case 'TemplateLiteral':
        this.add(this.templatePieces(value), value);
        this.visit(value.expressions);
        return;
      case 'TaggedTemplateExpression': {
        const quasi = value.quasi as JsNode;
        const cooked = (quasi.quasis as JsNode[]).every(
          (q) => (q.value as { cooked?: string | null }).cooked != null,
        );
        if (cooked) this.add(this.templatePieces(quasi), value, 'tagged-template', tagName(value.tag));
        this.visit(value.tag);
        this.visit(quasi.expressions);
        return;
      }
      case 'BinaryExpression': {
        if (value.operator !== '+') break;
        const operands = flattenConcatenation(value);
        if (!operands.some((o) => o.type === 'StringLiteral' || o.type === 'TemplateLiteral')) break;
        const pieces: Piece[] = [];
        for (const operand of operands) {
          if (operand.type === 'StringLiteral') {
            pieces.push({ kind: 'text', start: operand.start + 1, end: operand.end - 1, template: false });
          } else if (operand.type === 'TemplateLiteral') {
            pieces.push(...this.templatePieces(operand));
            this.visit(operand.expressions);
          } else {
            pieces.push({ kind: 'expression', node: operand, at: operand.start });
            this.visit(operand);
          }
        }
        this.add(pieces, value, 'concatenation');
        return;
      }
    }
    for (const [key, child] of Object.entries(value)) {
      if (!SKIPPED_KEYS.has(key) && child && typeof child === 'object') this.visit(child);
    }
  }

  private templatePieces(template: JsNode): Piece[] {
    const quasis = template.quasis as JsNode[];
    const expressions = template.expressions as JsNode[];
    const pieces: Piece[] = [];
    quasis.forEach((quasi, i) => {
      pieces.push({ kind: 'text', start: quasi.start, end: quasi.end, template: true });
      const expression = expressions[i];
      // the parameter points at the `${` that opens the interpolation
      if (expression) pieces.push({ kind: 'expression', node: expression, at: quasi.end });
    });
    return pieces;
  }

  private add(pieces: readonly Piece[], whole: JsNode, kind?: LiteralKind, tag: string | null = null): void {
    const decoded = pieces.map((piece) =>
      piece.kind === 'text' ? decodeJs(this.code, piece.start, piece.end, piece.template) : null,
    );
    const written = decoded.map((d) => d?.text ?? '').join(' ');
    // interpolations become parameters numbered after those the text already has
    let next = 1;
    for (const match of written.matchAll(/\$(\d+)/g)) next = Math.max(next, Number(match[1]) + 1);
    let sql = '';
    const offsets: number[] = [];
    const parameters = new Map<number, string>();
    pieces.forEach((piece, i) => {
      if (piece.kind === 'text') {
        const { text, offsets: at } = decoded[i]!;
        sql += text;
        offsets.push(...at);
        return;
      }
      const name = `$${next}`;
      parameters.set(next++, this.code.slice(piece.node.start, piece.node.end));
      sql += name;
      for (let c = 0; c < name.length; c++) offsets.push(piece.at);
    });
    if (!looksLikeSql(sql)) return;
    // an untagged literal of words alone is prose ("Select all", "Update profile"), not a query
    if (tag === null && !/[^\p{L}\s]|\b(?:from|into|set|values|returning)\b/iu.test(sql.trim())) return;
    offsets.push(whole.end);
    this.out.push({
      sql,
      offsets,
      literal: kind ?? (whole.type === 'TemplateLiteral' ? 'template' : 'string'),
      tag,
      parameters,
      start: whole.start,
      end: whole.end,
    });
  }
}

/** The operands of `a + b + c`; a parenthesised sum inside is one operand (`'… ' + (page + 1)`). */
function flattenConcatenation(node: JsNode, top = true): JsNode[] {
  const parenthesized = (node.extra as { parenthesized?: boolean } | undefined)?.parenthesized === true;
  if (node.type === 'BinaryExpression' && node.operator === '+' && (top || !parenthesized)) {
    return [
      ...flattenConcatenation(node.left as JsNode, false),
      ...flattenConcatenation(node.right as JsNode, false),
    ];
  }
  return [node];
}

/** `sql`, `sql.unsafe`, `sql.type(User)` → `sql.type`, `db.sql`; null for a tag of another shape. */
function tagName(node: unknown): string | null {
  if (!isNode(node)) return null;
  if (node.type === 'Identifier') return node.name as string;
  if (node.type === 'MemberExpression' && !node.computed) {
    const object = tagName(node.object);
    const property = isNode(node.property) && node.property.type === 'Identifier' ? node.property.name : null;
    return object !== null && property !== null ? `${object}.${property}` : null;
  }
  if (node.type === 'CallExpression') return tagName(node.callee);
  if (node.type === 'TSInstantiationExpression') return tagName(node.expression);
  return null;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  v: '\v',
};

/**
 * The value of a string literal or template chunk written in `code[start, end)`, and for each of its characters
 * the offset in `code` it comes from (an escape sequence maps to its backslash).
 */
export function decodeJs(
  code: string,
  start: number,
  end: number,
  template: boolean,
): { text: string; offsets: number[] } {
  let text = '';
  const offsets: number[] = [];
  const emit = (value: string, at: number) => {
    text += value;
    for (let k = 0; k < value.length; k++) offsets.push(at);
  };
  let i = start;
  while (i < end) {
    const ch = code[i]!;
    if (ch === '\r' && template) {
      // a template's line breaks are LF whatever the file uses
      emit('\n', i);
      i += code[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    if (ch !== '\\') {
      emit(ch, i);
      i++;
      continue;
    }
    const at = i;
    const next = code[i + 1] ?? '';
    if (next === '\r') {
      i += code[i + 2] === '\n' ? 3 : 2;
    } else if (next === '\n' || next === '\u2028' || next === '\u2029') {
      i += 2;
    } else if (next in SIMPLE_ESCAPES) {
      emit(SIMPLE_ESCAPES[next]!, at);
      i += 2;
    } else if (next === 'x') {
      emit(String.fromCharCode(Number.parseInt(code.slice(i + 2, i + 4), 16) || 0), at);
      i += 4;
    } else if (next === 'u') {
      if (code[i + 2] === '{') {
        const close = code.indexOf('}', i + 3);
        const point = Number.parseInt(code.slice(i + 3, close), 16);
        emit(String.fromCodePoint(Number.isFinite(point) && point <= 0x10ffff ? point : 0xfffd), at);
        i = close + 1;
      } else {
        emit(String.fromCharCode(Number.parseInt(code.slice(i + 2, i + 6), 16) || 0), at);
        i += 6;
      }
    } else if (/[0-7]/.test(next)) {
      const digits = /^[0-7]{1,3}/.exec(code.slice(i + 1, i + 4))![0];
      emit(String.fromCharCode(Number.parseInt(digits, 8) & 0xff), at);
      i += 1 + digits.length;
    } else {
      // \\ \' \" \` \$ \{ and any other character stand for themselves
      const point = code.codePointAt(i + 1) ?? 0;
      const value = String.fromCodePoint(point);
      emit(value, at);
      i += 1 + value.length;
    }
  }
  return { text, offsets };
}
