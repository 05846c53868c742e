import type { Report } from '../core/report.js';

/** `{ tool, version, command, findings, summary, skipped, ...data }`: the contract of every `--format json`. */
export function renderJson(report: Report): string {
  return [...renderJsonChunks(report)].join('');
}

/**
 * renderJson's text in pieces — each top-level value, and each element of a top-level array, on its own — so a
 * large report (a history of thousands of migrations: tens of MB) is written without being held whole, once as a
 * string and once more as bytes. The pieces join to exactly `JSON.stringify(envelope, null, 2)` and a newline.
 */
export function* renderJsonChunks(report: Report): Generator<string> {
  const { data, ...rest } = report;
  const envelope: Record<string, unknown> = { ...rest, ...(data ?? {}) };
  const entries = Object.entries(envelope).filter(([, value]) => isSerialised(value));
  if (entries.length === 0) {
    yield '{}\n';
    return;
  }
  yield '{';
  for (const [index, [key, value]] of entries.entries()) {
    yield `${index === 0 ? '' : ','}\n  ${JSON.stringify(key)}: `;
    if (Array.isArray(value) && value.length > 0 && !hasToJson(value)) {
      yield '[';
      for (let start = 0; start < value.length; start += SLICE) {
        // nested one level deeper, JSON.stringify indents the elements as they stand in the envelope:
        // `[\n  [\n    a,\n    b\n  ]\n]`, of which the part between the inner brackets is wanted
        const text = JSON.stringify([value.slice(start, start + SLICE)], null, 2);
        yield `${start === 0 ? '' : ','}${text.slice(5, -6)}`;
      }
      yield '\n  ]';
    } else yield indented(value);
  }
  yield '\n}\n';
}

/** Elements of a top-level array written as one piece: few pieces, none large. */
const SLICE = 512;

/** What JSON.stringify writes for an object's property (undefined, functions and symbols are left out). */
function isSerialised(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

function hasToJson(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/** JSON.stringify(value, null, 2) as a value of the envelope: `[\n  value\n]` less the brackets around it. */
function indented(value: unknown): string {
  return JSON.stringify([value], null, 2).slice(4, -2);
}
