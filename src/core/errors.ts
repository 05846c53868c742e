import { redact } from './redact.js';

/**
 * Why pgwarden stopped. The code decides the exit status: `guard-refused` exits 3, everything else 2
 * (usage, configuration, connection and input problems). Findings never travel as errors.
 */
export type ErrorCode =
  | 'usage'
  | 'config'
  | 'input'
  | 'connection'
  | 'authentication'
  | 'database-missing'
  | 'permission'
  | 'server'
  | 'embedded'
  | 'timeout'
  | 'guard-refused'
  | 'cancelled'
  | 'internal';

export interface PgwardenErrorOptions {
  hint?: string;
  cause?: unknown;
}

export class PgwardenError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: PgwardenErrorOptions = {}) {
    super(redact(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PgwardenError';
    this.code = code;
    this.hint = options.hint === undefined ? undefined : redact(options.hint);
  }

  get exitCode(): 2 | 3 {
    return this.code === 'guard-refused' ? 3 : 2;
  }
}

/**
 * A statement the server refused while a migration ran: its index in the script's statements and where its text
 * began in the query sent (the server's error position counts from the start of the query; null when the error does
 * not point into the statement). The server's error is the `cause`.
 */
export class StatementError extends PgwardenError {
  readonly statementIndex: number;
  readonly offset: number | null;

  constructor(statementIndex: number, offset: number | null, cause: unknown) {
    super('server', cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'StatementError';
    this.statementIndex = statementIndex;
    this.offset = offset;
  }

  /** The server's SQLSTATE (e.g. 55P03 for a lock timeout), if it sent one. */
  get sqlState(): string | undefined {
    const code = (this.cause as { code?: unknown } | null | undefined)?.code;
    return typeof code === 'string' ? code : undefined;
  }
}

export function isPgwardenError(error: unknown): error is PgwardenError {
  return error instanceof PgwardenError;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return redact(error.message);
  return redact(String(error));
}
