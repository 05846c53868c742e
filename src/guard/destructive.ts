import type { MigrationModel } from '../lint/migration-model.js';
import { planGuard } from './plan.js';

/** Something a statement destroys, and what must be backed up before it runs. */
export interface Destruction {
  readonly line: number;
  /** What the statement does, e.g. `DROP TABLE public.orders`. */
  readonly action: string;
  /** The objects to back up: tables (`schema.table`) or whole schemas. */
  readonly backup: {
    readonly tables: readonly string[];
    readonly schemas: readonly string[];
    /**
     * Tables whose rows go too through foreign keys that reference these: TRUNCATE … CASCADE empties every
     * referencing table, DELETE follows ON DELETE CASCADE / SET NULL / SET DEFAULT. Found on the live catalog.
     */
    readonly referencedBy?: 'truncate' | 'delete';
    /** What the statement destroys cannot be resolved statically: the guard backs up the whole database. */
    readonly wholeDatabase?: boolean;
  };
}

/**
 * The statements of a migration that destroy data, as the guard previews them without a database: decided
 * statement by statement (a table dropped and created again is backed up; one the migration created is not; names
 * resolve through the search_path the migration sets and the renames it makes). On a database, the guard plans
 * the same way against the live catalog (src/guard/guard.ts), and reaches further through it (CASCADE, foreign
 * keys, dependent views).
 */
export function destructions(model: MigrationModel): Destruction[] {
  const statements = model.statements.filter((s) => !s.embeddedIn).map((s) => s.statement);
  const plan = planGuard(statements, undefined, { transactional: model.runnerTransaction });
  const found: Destruction[] = plan.items.map((item) => {
    const truncate = item.targets.some((t) => t.mode === 'truncate' && t.cascade);
    const del = item.targets.some((t) => t.mode === 'delete');
    return {
      line: item.line,
      action: item.action,
      backup: {
        tables: [...new Set(item.targets.map((t) => t.name))],
        schemas: item.schemas,
        ...(truncate
          ? { referencedBy: 'truncate' as const }
          : del
            ? { referencedBy: 'delete' as const }
            : {}),
      },
    };
  });
  for (const u of plan.unresolved)
    found.push({
      line: u.line,
      action: `cannot be resolved statically: ${u.reason}`,
      backup: { tables: [], schemas: [], wholeDatabase: true },
    });
  return found.sort((a, b) => a.line - b.line);
}
