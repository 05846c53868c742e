import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as lib from '../index.js';
import { hideReadOnlyOption } from './databases.js';

/**
 * A request the MCP server declines on purpose (writes disabled, an unknown or stale plan): a structured
 * error with a code the agent can act on, and a hint that says what to do instead.
 */
export class Refusal extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, hint?: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'Refusal';
    this.code = code;
    this.hint = hint;
    this.details = details;
  }
}

/**
 * Credentials never leave the server: every result is redacted as a whole, text and structure alike. URLs are
 * shown as given, without the read-only option the server adds to them.
 */
function redacted<T>(value: T): T {
  return JSON.parse(hideReadOnlyOption(lib.redact(JSON.stringify(value)))) as T;
}

/** The largest text and structured content a result carries (characters of JSON): a huge plan stays usable. */
export const MAX_RESULT_CHARS = 1_000_000;

/**
 * Bounds structured content: while it is too large, its largest top-level value is cut — an array to its first
 * items, anything else (a plan) to null — and `truncated` lists what was cut.
 */
export function bounded(
  structured: Record<string, unknown>,
  max = MAX_RESULT_CHARS,
): Record<string, unknown> {
  let size = JSON.stringify(structured).length;
  if (size <= max) return structured;
  const result: Record<string, unknown> = { ...structured };
  const truncated: string[] = [];
  const keep = new Set(['tool', 'version', 'command', 'summary', 'source']);
  for (let round = 0; round < 20 && size > max; round++) {
    const [key, value] = Object.entries(result)
      .filter(([k]) => !keep.has(k) && k !== 'truncated')
      .map(([k, v]) => [k, v, JSON.stringify(v ?? null).length] as const)
      .sort((a, b) => b[2] - a[2])[0] ?? [undefined, undefined];
    if (key === undefined) break;
    if (Array.isArray(value) && value.length > 1) {
      result[key] = value.slice(0, Math.max(1, Math.floor(value.length / 4)));
    } else if (Array.isArray(value)) {
      result[key] = [];
    } else if (typeof value === 'string') {
      result[key] = `${value.slice(0, 1000)}…`;
    } else {
      result[key] = null;
    }
    if (!truncated.includes(key)) truncated.push(key);
    size = JSON.stringify(result).length;
  }
  result.truncated = truncated;
  return result;
}

function boundedText(text: string, max = MAX_RESULT_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n… (${text.length - max} more characters cut: the result was too large)`;
}

/** A result: structured content and a text summary of it, both bounded in size. */
export function success(structured: Record<string, unknown>, text: string): CallToolResult {
  return redacted({
    content: [{ type: 'text' as const, text: boundedText(text.trimEnd() || '(no output)') }],
    structuredContent: bounded(structured),
  });
}

/** A report as `--format json` prints it: `{ tool, version, command, findings, summary, skipped, ...data }`. */
export function reportJson(report: lib.Report): Record<string, unknown> {
  return JSON.parse(lib.render(report, { format: 'json' })) as Record<string, unknown>;
}

/** The report in the CLI's text format (no colours), with the command's own data rendered first. */
export function reportText(
  report: lib.Report,
  cwd: string,
  renderData?: (colors: lib.Colors) => string,
): string {
  return lib.render(report, { format: 'text', color: false, cwd, renderData });
}

/** Any failure as a tool error (isError), never a crash: PgwardenError's message and hint, else the message. */
export function failure(error: unknown, debug = false): CallToolResult {
  let body: { code: string; message: string; hint?: string; details?: Record<string, unknown> };
  if (error instanceof Refusal) {
    body = {
      code: error.code,
      message: error.message,
      ...(error.hint ? { hint: error.hint } : {}),
      ...(error.details ? { details: error.details } : {}),
    };
  } else if (lib.isPgwardenError(error)) {
    body = { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  } else {
    body = {
      code: 'internal',
      message: lib.errorMessage(error),
      hint: 'an unexpected error in pgwarden; the server log (stderr) has the details with --debug',
    };
    if (debug) process.stderr.write(`${lib.redact(String((error as Error)?.stack ?? error))}\n`);
  }
  const text = `pgwarden: ${body.code === 'internal' ? 'internal error' : 'error'}: ${body.message}${body.hint ? `\nhint: ${body.hint}` : ''}`;
  // No structuredContent: clients validate it against the tool's output schema, which describes the report.
  // The error's code, message and hint follow the text as one JSON line the agent can parse.
  return redacted({
    isError: true,
    content: [
      { type: 'text' as const, text },
      { type: 'text' as const, text: JSON.stringify({ error: body }) },
    ],
  });
}

/** Runs a tool's work and turns whatever it throws into a structured error result. */
export async function guarded(work: () => Promise<CallToolResult>, debug = false): Promise<CallToolResult> {
  try {
    return await work();
  } catch (error) {
    return failure(error, debug);
  }
}
