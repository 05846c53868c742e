import type { BloatEstimate } from './bloat.js';
import type { HealthFacts, SequenceFacts, Session } from './model.js';

/**
 * The facts a report carries as its data (`--format json`, MCP, the exporter): everything but the per-table and
 * per-index lists, which a catalog of 10⁵ relations would make huge (the findings name the ones that matter).
 */
export interface HealthSummary extends Omit<HealthFacts, 'tables' | 'indexes' | 'sequences' | 'sessions'> {
  readonly counts: {
    readonly tables: number;
    readonly indexes: number;
    readonly sequences: number;
    readonly sessions: number;
  };
  /** Sessions that are not idle (active, waiting, idle in transaction), pgwarden's own left out. */
  readonly sessions: readonly Session[];
  /** The 20 tables and 20 B-tree indexes with the most estimated (or measured) bloat. */
  readonly bloat: HealthFacts['bloat'];
  /** The sequences closest to their maximum (at most 20). */
  readonly sequences: readonly SequenceFacts[];
  readonly deadTuples: number;
}

function mostBloated(estimates: readonly BloatEstimate[]): BloatEstimate[] {
  const bytes = (e: BloatEstimate) => e.measured?.bloatBytes ?? e.bloatBytes;
  return [...estimates].sort((a, b) => bytes(b) - bytes(a)).slice(0, 20);
}

export function healthSummary(facts: HealthFacts): HealthSummary {
  const { tables, indexes, sequences, sessions, ...rest } = facts;
  return {
    ...rest,
    counts: {
      tables: tables.length,
      indexes: indexes.length,
      sequences: sequences.length,
      sessions: sessions.length,
    },
    sessions: sessions.filter((s) => s.state !== null && s.state !== 'idle'),
    sequences: [...sequences]
      .filter((s) => s.used !== null)
      .sort((a, b) => (b.used ?? 0) - (a.used ?? 0))
      .slice(0, 20),
    deadTuples: tables.reduce((sum, t) => sum + t.deadTuples, 0),
    bloat: { tables: mostBloated(rest.bloat.tables), indexes: mostBloated(rest.bloat.indexes) },
  };
}

/** The data of a health report. */
export interface HealthData extends Record<string, unknown> {
  /** What was checked, for people: never a password. */
  readonly source: string;
  readonly health: HealthSummary;
  /**
   * The project's backup folder (config `backups.dir`): its whole-database backups and the newest verified one
   * (`pgwarden backup verify`); absent without a config or without such backups.
   */
  readonly backups?: {
    readonly dir: string;
    readonly backups: number;
    readonly newestVerified: { readonly id: string; readonly ageSeconds: number } | null;
  };
}
