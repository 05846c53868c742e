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

/** A result: structured content and a text summary of it. */
export function success(structured: Record<string, unknown>, text: string): CallToolResult {
  return redacted({
    content: [{ type: 'text' as const, text: text.trimEnd() || '(no output)' }],
    structuredContent: structured,
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
