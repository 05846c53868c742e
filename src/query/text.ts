import { scanSync } from 'libpg-query';
import { SourceText } from '../sql/source-text.js';

/** A stretch of a statement's text, in characters: [start, end). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface Token extends Span {
  /** As written. */
  readonly text: string;
  /** Upper-cased text of a keyword; empty for other tokens. */
  readonly keyword: string;
  readonly kind: 'keyword' | 'identifier' | 'string' | 'number' | 'parameter' | 'comment' | 'other';
}

export interface Edit {
  readonly span: Span;
  readonly text: string;
}

const OPEN = new Set(['(', '[']);
const CLOSE = new Set([')', ']']);

function tokenKind(name: string, keywordKind: number): Token['kind'] {
  if (name === 'SQL_COMMENT' || name === 'C_COMMENT') return 'comment';
  if (keywordKind > 0) return 'keyword';
  if (name === 'IDENT') return 'identifier';
  if (name === 'SCONST' || name === 'USCONST' || name === 'BCONST' || name === 'XCONST') return 'string';
  if (name === 'ICONST' || name === 'FCONST') return 'number';
  if (name === 'PARAM') return 'parameter';
  return 'other';
}

/**
 * One statement's SQL text, with what rules need to point into it and to rewrite it: AST locations (UTF-8 byte
 * offsets from the start of what the parser was given) turned into character offsets, the statement's tokens, the
 * span an AST node covers, and edits. libpg_query gives each node only its start, so a node's end is found from the
 * tokens: the last token any node below it starts, then any brackets, CASE … END or IS [NOT] NULL left open.
 */
export class StatementText {
  readonly text: string;
  readonly #source: SourceText;
  /** Byte offset of the statement's first character in what the parser was given (AST locations count from there). */
  readonly #baseByte: number;
  #tokens: Token[] | undefined;

  constructor(text: string, baseByte: number) {
    this.text = text;
    this.#source = new SourceText(text);
    this.#baseByte = baseByte;
  }

  /** Character offset in the statement of an AST `location`; undefined for a missing or foreign location. */
  offsetOf(location: number | undefined): number | undefined {
    if (location === undefined || location < 0) return undefined;
    const relative = location - this.#baseByte;
    if (relative < 0 || relative > this.#source.byteLength) return undefined;
    return this.#source.charOffset(relative);
  }

  get tokens(): readonly Token[] {
    if (!this.#tokens) {
      let scanned: ReturnType<typeof scanSync>['tokens'] = [];
      try {
        scanned = scanSync(this.text).tokens;
      } catch {
        // the statement parsed, so it scans; an empty list only makes spans shorter
      }
      this.#tokens = scanned.map((token) => {
        const kind = tokenKind(token.tokenName, token.keywordKind);
        const start = this.#source.charOffset(token.start);
        const end = this.#source.charOffset(token.end);
        const text = this.text.slice(start, end);
        return { start, end, text, keyword: kind === 'keyword' ? text.toUpperCase() : '', kind };
      });
    }
    return this.#tokens;
  }

  /** Index of the first token that starts at or after `offset`. */
  tokenIndexAt(offset: number): number {
    const tokens = this.tokens;
    let low = 0;
    let high = tokens.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (tokens[mid]!.start < offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  slice(span: Span): string {
    return this.text.slice(span.start, span.end);
  }

  /** The text a node covers, or undefined when the node carries no location. */
  textOf(node: unknown): string | undefined {
    const span = this.span(node);
    return span ? this.slice(span) : undefined;
  }

  /** The span an AST node covers (parentheses around the whole node not included). */
  span(node: unknown): Span | undefined {
    const locations: number[] = [];
    const tails: number[] = [];
    collectLocations(node, locations, tails);
    const offsets = locations.map((l) => this.offsetOf(l)).filter((o): o is number => o !== undefined);
    if (offsets.length === 0) return undefined;
    const tokens = this.tokens.filter((t) => t.kind !== 'comment');
    const indexOf = (offset: number) => {
      let low = 0;
      let high = tokens.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (tokens[mid]!.end <= offset) low = mid + 1;
        else high = mid;
      }
      return low;
    };
    let first = indexOf(Math.min(...offsets));
    let last = Math.min(indexOf(Math.max(...offsets)), tokens.length - 1);
    // IS [NOT] NULL / TRUE / FALSE / UNKNOWN: the node starts at IS
    for (const tail of tails) {
      const at = this.offsetOf(tail);
      if (at === undefined) continue;
      let i = indexOf(at);
      if (tokens[i]?.keyword !== 'IS') continue;
      if (tokens[i + 1]?.keyword === 'NOT') i++;
      if (i + 1 < tokens.length) last = Math.max(last, i + 1);
    }
    if (first >= tokens.length) return undefined;
    // a qualified name (`u.email`, `public.users.id`, `t.*`) starts at its first part
    while (last + 2 < tokens.length && tokens[last + 1]!.text === '.') last += 2;
    // extend forwards over what is left open (brackets, CASE … END), then over a call's argument list
    let depth = 0;
    let cases = 0;
    let lowest = 0;
    for (let i = first; i <= last; i++) {
      const t = tokens[i]!;
      if (OPEN.has(t.text)) depth++;
      else if (CLOSE.has(t.text)) depth--;
      else if (t.keyword === 'CASE') cases++;
      else if (t.keyword === 'END') cases--;
      lowest = Math.min(lowest, depth);
    }
    while ((depth > 0 || cases > 0) && last + 1 < tokens.length) {
      const t = tokens[++last]!;
      if (OPEN.has(t.text)) depth++;
      else if (CLOSE.has(t.text)) depth--;
      else if (t.keyword === 'CASE') cases++;
      else if (t.keyword === 'END') cases--;
    }
    while (last + 1 < tokens.length && OPEN.has(tokens[last + 1]!.text) && callLike(tokens[last]!)) {
      let d = 0;
      do {
        const t = tokens[++last]!;
        if (OPEN.has(t.text)) d++;
        else if (CLOSE.has(t.text)) d--;
      } while (d > 0 && last + 1 < tokens.length);
    }
    // a node that starts inside parentheses it does not close: `(a OR b) AND c` starts at `(`
    for (let open = 0; lowest < 0 && first > 0; ) {
      const t = tokens[--first]!;
      if (CLOSE.has(t.text)) open++;
      else if (OPEN.has(t.text)) {
        if (open === 0) lowest++;
        else open--;
      }
    }
    return { start: tokens[first]!.start, end: tokens[last]!.end };
  }

  /** The span between a pair of brackets whose opening one is at or after `offset`, brackets included. */
  bracketSpan(offset: number): Span | undefined {
    const tokens = this.tokens;
    let i = this.tokenIndexAt(offset);
    while (i < tokens.length && tokens[i]!.text !== '(') i++;
    if (i >= tokens.length) return undefined;
    let depth = 0;
    for (let j = i; j < tokens.length; j++) {
      if (OPEN.has(tokens[j]!.text)) depth++;
      else if (CLOSE.has(tokens[j]!.text) && --depth === 0)
        return { start: tokens[i]!.start, end: tokens[j]!.end };
    }
    return undefined;
  }

  /**
   * The first token at bracket depth 0 from `offset` on that is one of `keywords`; undefined when the brackets
   * that enclose `offset` close first or the text ends.
   */
  keywordAfter(offset: number, keywords: readonly string[]): Token | undefined {
    const tokens = this.tokens;
    let depth = 0;
    for (let i = this.tokenIndexAt(offset); i < tokens.length; i++) {
      const t = tokens[i]!;
      if (OPEN.has(t.text)) depth++;
      else if (CLOSE.has(t.text)) {
        if (--depth < 0) return undefined;
      } else if (depth === 0 && keywords.includes(t.keyword)) return t;
    }
    return undefined;
  }

  /** The nearest token before `offset` at the same bracket depth that is `keyword`. */
  keywordBefore(offset: number, keyword: string): Token | undefined {
    const tokens = this.tokens;
    let depth = 0;
    for (let i = this.tokenIndexAt(offset) - 1; i >= 0; i--) {
      const t = tokens[i]!;
      if (CLOSE.has(t.text)) depth++;
      else if (OPEN.has(t.text)) {
        if (--depth < 0) return undefined;
      } else if (depth === 0 && t.keyword === keyword) return t;
    }
    return undefined;
  }

  /** The text with edits applied (edits must not overlap). */
  apply(edits: readonly Edit[]): string {
    let out = this.text;
    for (const edit of [...edits].sort((a, b) => b.span.start - a.span.start)) {
      out = out.slice(0, edit.span.start) + edit.text + out.slice(edit.span.end);
    }
    return out;
  }

  /** The text of a span with edits inside it applied. */
  sliceWith(span: Span, edits: readonly Edit[]): string {
    let text = this.slice(span);
    for (const edit of [...edits].sort((a, b) => b.span.start - a.span.start)) {
      if (edit.span.start < span.start || edit.span.end > span.end) continue;
      text = text.slice(0, edit.span.start - span.start) + edit.text + text.slice(edit.span.end - span.start);
    }
    return text;
  }

  /** The highest `$n` parameter number in the statement (0 when there is none). */
  get maxParameter(): number {
    let max = 0;
    for (const t of this.tokens) if (t.kind === 'parameter') max = Math.max(max, Number(t.text.slice(1)));
    return max;
  }
}

/** An identifier or a keyword that can name a function: followed by `(` it is a call. */
function callLike(token: Token): boolean {
  return token.kind === 'identifier' || (token.kind === 'keyword' && token.keyword !== 'IN');
}

function collectLocations(node: unknown, into: number[], tails: number[]): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) collectLocations(item, into, tails);
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'number') {
      if (key === 'location' || key === 'rexpr_list_end' || key === 'list_end') {
        if (value >= 0) into.push(value);
      }
      continue;
    }
    if ((key === 'NullTest' || key === 'BooleanTest') && value && typeof value === 'object') {
      const location = (value as { location?: number }).location;
      if (typeof location === 'number') tails.push(location);
    }
    collectLocations(value, into, tails);
  }
}
