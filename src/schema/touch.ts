/**
 * What a BEFORE UPDATE trigger assigns to keep an "updated at" column current, for the column's real type: now()
 * for timestamptz and timestamp (cast to the session's local time), current_date for a date, and the Unix epoch
 * for an integer column — in seconds or milliseconds as the stored values are (ANALYZE's sample tells which).
 * Undefined when it cannot be told (an integer column without statistics, a text column): a trigger that writes
 * the wrong unit would corrupt every row it touches.
 */
export interface Touch {
  /** Appended to the trigger function's name: one function per kind of value. */
  readonly suffix: string;
  readonly expression: string;
}

const INTEGERS = new Set(['int8', 'int4', 'numeric']);
/** 10^11 seconds is the year 5138; 10^11 milliseconds is 1973: a value above it counts milliseconds. */
const MILLISECONDS_FROM = 1e11;

export function touchFor(typeName: string, sample: readonly string[] | undefined): Touch | undefined {
  if (typeName === 'timestamptz' || typeName === 'timestamp') return { suffix: '', expression: 'now()' };
  if (typeName === 'date') return { suffix: '_date', expression: 'current_date' };
  if (!INTEGERS.has(typeName)) return undefined;
  const values = (sample ?? []).map(Number).filter((v) => Number.isFinite(v) && v > 0);
  if (values.length === 0) return undefined;
  const milliseconds = values.filter((v) => v >= MILLISECONDS_FROM).length;
  if (milliseconds !== 0 && milliseconds !== values.length) return undefined;
  return milliseconds
    ? { suffix: '_epoch_ms', expression: '(extract(epoch FROM now()) * 1000)::bigint' }
    : { suffix: '_epoch', expression: 'extract(epoch FROM now())::bigint' };
}
