import { PgwardenError } from '../core/errors.js';

/** The fields a `log_line_prefix` escape fills in, as pgwarden keeps them. */
export type PrefixField =
  | 'time'
  | 'epoch'
  | 'pid'
  | 'session'
  | 'user'
  | 'database'
  | 'application'
  | 'host'
  | 'sqlstate'
  | 'ignored';

interface Escape {
  readonly field: PrefixField;
  readonly pattern: string;
}

const TIME = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?: [A-Za-z0-9+:_/-]+)?`;
const TIME_MS = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+(?: [A-Za-z0-9+:_/-]+)?`;
const ANY = '.*?';

/** What each escape of log_line_prefix prints (PostgreSQL's runtime-config-logging page). */
const ESCAPES: Readonly<Record<string, Escape>> = {
  a: { field: 'application', pattern: ANY },
  u: { field: 'user', pattern: ANY },
  d: { field: 'database', pattern: ANY },
  r: { field: 'host', pattern: ANY },
  h: { field: 'host', pattern: ANY },
  b: { field: 'ignored', pattern: ANY },
  p: { field: 'pid', pattern: String.raw`\d+` },
  P: { field: 'ignored', pattern: String.raw`\d*` },
  t: { field: 'time', pattern: TIME },
  m: { field: 'time', pattern: TIME_MS },
  n: { field: 'epoch', pattern: String.raw`\d+(?:\.\d+)?` },
  i: { field: 'ignored', pattern: ANY },
  e: { field: 'sqlstate', pattern: '[0-9A-Z]{5}' },
  c: { field: 'session', pattern: String.raw`[0-9a-f]+\.[0-9a-f]+` },
  l: { field: 'ignored', pattern: String.raw`\d+` },
  s: { field: 'ignored', pattern: TIME },
  v: { field: 'ignored', pattern: String.raw`(?:\d+/\d+)?` },
  x: { field: 'ignored', pattern: String.raw`\d+` },
  Q: { field: 'ignored', pattern: String.raw`-?\d+` },
};

const SEVERITY =
  'DEBUG[1-5]|INFO|NOTICE|WARNING|ERROR|LOG|FATAL|PANIC|DETAIL|HINT|QUERY|CONTEXT|LOCATION|STATEMENT';

/** A compiled prefix: the line's regular expression and which capture group holds which field. */
export interface CompiledPrefix {
  readonly prefix: string;
  readonly regex: RegExp;
  /** Capture group i + 1 holds fields[i]; the last two groups are the severity and the message. */
  readonly fields: readonly PrefixField[];
  readonly has: ReadonlySet<PrefixField>;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Compiles a `log_line_prefix` (e.g. `%m [%p] %q%u@%d `) into the regular expression of a whole log line: the
 * prefix, then `SEVERITY:  message`. `%q` makes the rest of the prefix optional (background processes stop there);
 * padding (`%-10u`) is accepted.
 */
export function compilePrefix(prefix: string): CompiledPrefix {
  const fields: PrefixField[] = [];
  let pattern = '';
  let optionalGroups = 0;
  for (let i = 0; i < prefix.length; i++) {
    const ch = prefix[i]!;
    if (ch !== '%') {
      pattern += escapeRegex(ch);
      continue;
    }
    const rest = /^(-?\d+)?(.)/.exec(prefix.slice(i + 1));
    if (!rest) {
      pattern += '%';
      continue;
    }
    i += rest[0].length;
    const letter = rest[2]!;
    if (letter === '%') {
      pattern += '%';
      continue;
    }
    if (letter === 'q') {
      pattern += '(?:';
      optionalGroups++;
      continue;
    }
    const known = ESCAPES[letter];
    if (!known)
      throw new PgwardenError('usage', `--prefix: unknown escape %${letter} in "${prefix}"`, {
        hint: "give the server's log_line_prefix exactly, as SHOW log_line_prefix prints it",
      });
    fields.push(known.field);
    pattern += rest[1] ? `\\s*(${known.pattern})\\s*` : `(${known.pattern})`;
  }
  pattern += ')?'.repeat(optionalGroups);
  return {
    prefix,
    regex: new RegExp(`^${pattern}(${SEVERITY}):  ?(.*)$`),
    fields,
    has: new Set(fields),
  };
}

/**
 * Prefixes seen in the wild, tried in order when none is given: PostgreSQL's default, Debian's and the common
 * pgBadger-friendly ones.
 */
export const COMMON_PREFIXES: readonly string[] = [
  '%m [%p] ',
  '%m [%p] %q%u@%d ',
  '%t [%p] ',
  '%t [%p] %q%u@%d ',
  '%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ',
  '%m [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ',
  '%t [%p]: [%l-1] ',
  '%m [%p]: [%l-1] ',
  '%t [%p]: [%l-1] db=%d,user=%u ',
  '%m [%p]: [%l-1] db=%d,user=%u ',
  '%t:%r:%u@%d:[%p]: ',
  '%m:%r:%u@%d:[%p]: ',
  '%m %u %d [%p] ',
  '%t %u %d [%p] ',
  '< %m > ',
  '%m ',
  '%t ',
  // syslog carries the time and process id itself: its prefixes often leave them out
  'user=%u,db=%d,app=%a,client=%h ',
  'user=%u,db=%d ',
  'db=%d,user=%u ',
  '',
];

/** The prefix that matches the most of `lines` (at least one), else null. */
export function detectPrefix(lines: readonly string[]): CompiledPrefix | null {
  let best: CompiledPrefix | null = null;
  let bestScore = 0;
  for (const candidate of COMMON_PREFIXES) {
    const compiled = compilePrefix(candidate);
    let score = 0;
    for (const line of lines) if (compiled.regex.test(line)) score++;
    // a prefix with more fields wins a tie: it reads more of each line
    if (
      score > bestScore ||
      (score === bestScore && best && score > 0 && compiled.fields.length > best.fields.length)
    ) {
      best = compiled;
      bestScore = score;
    }
  }
  return bestScore > 0 ? best : null;
}
