import type { ScanToken } from 'libpg-query';

/**
 * What the parser layer needs from PostgreSQL's scanner: where comments, string constants, long identifiers and
 * semicolons are, and where the first and last real token of a stretch of text begin and end. Offsets are UTF-8
 * byte offsets, as libpg_query reports them.
 */
export interface TokenIndex {
  /** SQL_COMMENT and C_COMMENT tokens. */
  readonly comments: readonly ByteSpan[];
  /** SCONST tokens (plain, E'…' and dollar-quoted strings), in order. */
  readonly strings: readonly ByteSpan[];
  /** IDENT tokens longer than 63 bytes as written (quotes included). */
  readonly longIdentifiers: readonly ByteSpan[];
  /** Byte offsets of the semicolons (the statement separators). */
  readonly semicolons: readonly number[];
  /** Start of the first and end of the last token in [from, to), comments and semicolons not counted. */
  bounds(from: number, to: number): [number | undefined, number | undefined];
}

export interface ByteSpan {
  readonly start: number;
  readonly end: number;
}

const COMMENT_TOKENS = new Set(['SQL_COMMENT', 'C_COMMENT']);
const SEMICOLON_TOKEN = 'ASCII_59';

/** Builds the index from the WebAssembly scanner's tokens. */
export function indexFromScan(tokens: readonly ScanToken[]): TokenIndex {
  const comments: ByteSpan[] = [];
  const strings: ByteSpan[] = [];
  const longIdentifiers: ByteSpan[] = [];
  const semicolons: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (const token of tokens) {
    if (COMMENT_TOKENS.has(token.tokenName)) {
      comments.push({ start: token.start, end: token.end });
      continue;
    }
    if (token.tokenName === SEMICOLON_TOKEN) {
      semicolons.push(token.start);
      continue;
    }
    if (token.tokenName === 'SCONST') strings.push({ start: token.start, end: token.end });
    if (token.tokenName === 'IDENT' && token.end - token.start > 63)
      longIdentifiers.push({ start: token.start, end: token.end });
    starts.push(token.start);
    ends.push(token.end);
  }
  return { comments, strings, longIdentifiers, semicolons, bounds: boundsOf(starts, ends) };
}

function boundsOf(starts: readonly number[], ends: readonly number[]): TokenIndex['bounds'] {
  // index of the first token that starts at or after `offset`
  const lowerBound = (offset: number) => {
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (starts[mid]! < offset) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  return (from, to) => {
    const first = lowerBound(from);
    if (first >= starts.length || starts[first]! >= to) return [undefined, undefined];
    const last = lowerBound(to) - 1;
    return [starts[first], ends[last]];
  };
}

// Character classes of PostgreSQL's scanner (src/backend/parser/scan.l), on UTF-8 bytes.
const SPACE = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d, 0x0c, 0x0b]) SPACE[c] = 1;
const IDENT_START = new Uint8Array(256);
const IDENT_CONT = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c >= 0x80;
  const digit = c >= 0x30 && c <= 0x39;
  IDENT_START[c] = letter ? 1 : 0;
  IDENT_CONT[c] = letter || digit || c === 0x24 ? 1 : 0;
}
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const QUOTE = 0x27; // '
const DQUOTE = 0x22; // "
const DOLLAR = 0x24;
const DASH = 0x2d;
const SLASH = 0x2f;
const STAR = 0x2a;
const SEMI = 0x3b;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const RETURN = 0x0d;

/** Thrown inside the lexer for input it does not model exactly; the caller then uses the real scanner. */
class Unsure extends Error {}

/**
 * A JavaScript version of the parts of PostgreSQL's scanner that pgwarden needs, for text that the parser
 * accepted. It knows comments (nested block comments included), quoted strings (plain, E'…' with backslash
 * escapes, B'…', X'…', N'…', U&'…'), dollar quotes, quoted identifiers and identifiers. It returns undefined
 * for what it does not model exactly (a string continued on the next line, anything unterminated), and the
 * caller falls back to the WebAssembly scanner, which is an order of magnitude slower on large files.
 */
export function lexSql(bytes: Buffer): TokenIndex | undefined {
  try {
    return lex(bytes);
  } catch (error) {
    if (error instanceof Unsure) return undefined;
    throw error;
  }
}

function lex(b: Buffer): TokenIndex {
  const n = b.length;
  const comments: ByteSpan[] = [];
  const strings: ByteSpan[] = [];
  const longIdentifiers: ByteSpan[] = [];
  const semicolons: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const token = (start: number, end: number) => {
    starts.push(start);
    ends.push(end);
  };

  /** End of a '…' string whose opening quote is at `open` (backslash escapes when `escapes`). */
  const quoted = (open: number, escapes: boolean): number => {
    let i = open + 1;
    for (;;) {
      if (i >= n) throw new Unsure();
      const c = b[i]!;
      if (escapes && c === BACKSLASH) {
        i += 2;
        continue;
      }
      if (c === QUOTE) {
        if (b[i + 1] === QUOTE) {
          i += 2;
          continue;
        }
        i++;
        break;
      }
      i++;
    }
    // 'a'<newline>'b' is one string in PostgreSQL (also with a -- comment in between): not modelled here
    let j = i;
    let newline = false;
    while (j < n && SPACE[b[j]!]) {
      if (b[j] === NEWLINE || b[j] === RETURN) newline = true;
      j++;
    }
    if (newline && (b[j] === QUOTE || b[j] === DASH)) throw new Unsure();
    return i;
  };

  /** End of a "…" identifier whose opening quote is at `open`. */
  const quotedIdentifier = (open: number): number => {
    let i = open + 1;
    for (;;) {
      if (i >= n) throw new Unsure();
      if (b[i] === DQUOTE) {
        if (b[i + 1] === DQUOTE) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
  };

  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (SPACE[c]) {
      i++;
      continue;
    }
    if (c === DASH && b[i + 1] === DASH) {
      let j = i + 2;
      while (j < n && b[j] !== NEWLINE && b[j] !== RETURN) j++;
      comments.push({ start: i, end: j });
      i = j;
      continue;
    }
    if (c === SLASH && b[i + 1] === STAR) {
      let depth = 0;
      let j = i + 2;
      for (;;) {
        if (j >= n) throw new Unsure();
        if (b[j] === SLASH && b[j + 1] === STAR) {
          depth++;
          j += 2;
        } else if (b[j] === STAR && b[j + 1] === SLASH) {
          j += 2;
          if (depth === 0) break;
          depth--;
        } else j++;
      }
      comments.push({ start: i, end: j });
      i = j;
      continue;
    }
    if (c === SEMI) {
      semicolons.push(i);
      i++;
      continue;
    }
    if (c === QUOTE) {
      const end = quoted(i, false);
      strings.push({ start: i, end });
      token(i, end);
      i = end;
      continue;
    }
    if (c === DQUOTE) {
      const end = quotedIdentifier(i);
      if (end - i > 63) longIdentifiers.push({ start: i, end });
      token(i, end);
      i = end;
      continue;
    }
    if (c === DOLLAR) {
      const next = b[i + 1];
      if (next !== undefined && isDigit(next)) {
        // a parameter: $1
        let j = i + 1;
        while (j < n && isDigit(b[j]!)) j++;
        token(i, j);
        i = j;
        continue;
      }
      let j = i + 1;
      if (j < n && IDENT_START[b[j]!]) {
        j++;
        while (j < n && IDENT_CONT[b[j]!] && b[j] !== DOLLAR) j++;
      }
      if (b[j] === DOLLAR) {
        const tag = b.subarray(i, j + 1);
        const close = b.indexOf(tag, j + 1);
        if (close < 0) throw new Unsure();
        const end = close + tag.length;
        strings.push({ start: i, end });
        token(i, end);
        i = end;
        continue;
      }
      token(i, i + 1);
      i++;
      continue;
    }
    if (IDENT_START[c]) {
      const next = b[i + 1];
      const lower = c | 0x20;
      if (next === QUOTE && (lower === 0x65 || lower === 0x62 || lower === 0x78)) {
        // E'…' (SCONST, backslash escapes), B'…' (BCONST), X'…' (XCONST)
        const end = quoted(i + 1, lower === 0x65);
        if (lower === 0x65) strings.push({ start: i, end });
        token(i, end);
        i = end;
        continue;
      }
      if (next === QUOTE && lower === 0x6e) {
        // N'…': the keyword NCHAR, then a plain string
        token(i, i + 1);
        i++;
        continue;
      }
      if (next === 0x26 && lower === 0x75 && (b[i + 2] === QUOTE || b[i + 2] === DQUOTE)) {
        // U&'…' (USCONST) and U&"…" (UIDENT)
        const end = b[i + 2] === QUOTE ? quoted(i + 2, false) : quotedIdentifier(i + 2);
        token(i, end);
        i = end;
        continue;
      }
      let j = i + 1;
      while (j < n && IDENT_CONT[b[j]!]) j++;
      if (j - i > 63) longIdentifiers.push({ start: i, end: j });
      token(i, j);
      i = j;
      continue;
    }
    if (isDigit(c) || (c === 0x2e && b[i + 1] !== undefined && isDigit(b[i + 1]!))) {
      // numbers (1, 1.5, 1e-3, 0x1F, 1_000): they never reach a quote, a comment or a semicolon
      let j = i + 1;
      while (j < n) {
        const d = b[j]!;
        const e = d | 0x20;
        if (isDigit(d) || (e >= 0x61 && e <= 0x7a) || d === 0x5f || d === 0x2e) j++;
        else if ((d === 0x2b || d === DASH) && (b[j - 1]! | 0x20) === 0x65 && isDigit(b[j + 1] ?? 0)) j++;
        else break;
      }
      token(i, j);
      i = j;
      continue;
    }
    // operators and punctuation, up to what starts something else
    let j = i + 1;
    while (j < n) {
      const d = b[j]!;
      if (
        SPACE[d] ||
        IDENT_START[d] ||
        isDigit(d) ||
        d === QUOTE ||
        d === DQUOTE ||
        d === DOLLAR ||
        d === SEMI
      )
        break;
      if ((d === DASH && b[j + 1] === DASH) || (d === SLASH && b[j + 1] === STAR)) break;
      j++;
    }
    token(i, j);
    i = j;
  }
  return { comments, strings, longIdentifiers, semicolons, bounds: boundsOf(starts, ends) };
}
