import type { LockMode } from '../locks/modes.js';
import type { ObservedStatement } from './lock-trace.js';

export interface TracedStatement {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly sql: string;
  readonly predicted: {
    readonly locks: readonly { relation: string; mode: LockMode }[];
    readonly rewrites: readonly string[];
    readonly scans: readonly string[];
  };
  readonly observed: ObservedStatement;
  /** Where the lock model and PostgreSQL disagree; each is a bug in the model. */
  readonly mismatches: readonly string[];
  /** What the trace could not check, and why (a table that could not be seeded has nothing to read). */
  readonly notes: readonly string[];
}

/** The model of `trace` rules: what the migrations really did on a real server, next to what the model predicted. */
export interface TraceModel {
  readonly server: string;
  readonly statements: readonly TracedStatement[];
  readonly seeded: readonly string[];
  readonly notSeeded: readonly { table: string; reason: string }[];
  /** The script that failed, when tracing had to stop. */
  readonly stopped: { readonly file: string; readonly line: number; readonly error: string } | null;
}
