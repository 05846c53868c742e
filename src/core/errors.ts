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

export function isPgwardenError(error: unknown): error is PgwardenError {
  return error instanceof PgwardenError;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return redact(error.message);
  return redact(String(error));
}
