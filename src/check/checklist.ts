/**
 * The Definition of Done of a database change as a checklist: four sections of boxes, each box proved by the
 * findings of the rules behind it. A box is ✔ when none of its findings reaches the threshold, ✘ when one does, and
 * not applicable when nothing it needs was there to check (no migrations, no queries, no destructive statement …).
 */
import { type FailOn, type Finding, reachesThreshold } from '../core/finding.js';

export type BoxStatus = 'pass' | 'fail' | 'n/a';

/** What the checks ran on: which boxes apply. */
export interface CheckScope {
  readonly migrations: number;
  readonly queries: number;
  /** Queries explained on the seeded shadow database. */
  readonly explained: number;
  readonly tables: number;
  readonly tenantTables: number;
  /** Destructive statements in the migrations (the guard backs up what they destroy). */
  readonly destructive: number;
  /** Whether the guard could take its backups here (pg_dump and pg_restore, recent enough). */
  readonly guard: { readonly ready: boolean; readonly problem: string | null };
}

export interface BoxDefinition {
  readonly id: string;
  readonly title: string;
  /** The rules whose findings prove or disprove the box (ids, or `prefix/*`). */
  readonly rules: readonly string[];
  /** Why the box does not apply here, or null when it does. */
  readonly notApplicable: (scope: CheckScope) => string | null;
  /** A failure that is not a finding (a missing tool). */
  readonly extraFailure?: (scope: CheckScope) => string | null;
}

export interface SectionDefinition {
  readonly id: string;
  readonly title: string;
  readonly boxes: readonly BoxDefinition[];
}

const noMigrations = (scope: CheckScope) => (scope.migrations === 0 ? 'no migrations' : null);
const noTables = (scope: CheckScope) => (scope.tables === 0 ? 'the migrations create no table' : null);
const noQueries = (scope: CheckScope) => (scope.queries === 0 ? 'no queries found' : null);

export const CHECKLIST: readonly SectionDefinition[] = [
  {
    id: 'schema',
    title: 'Schema design',
    boxes: [
      {
        id: 'keys',
        title: 'Every table has a primary key (the standard id)',
        rules: ['schema/no-primary-key', 'schema/standard-id', 'schema/primary-key-naming'],
        notApplicable: noTables,
      },
      {
        id: 'constraints',
        title:
          'Integrity is declared: foreign keys with a deliberate ON DELETE, CHECKs, unique keys, all validated',
        rules: [
          'schema/foreign-key-on-delete',
          'schema/foreign-key-type-mismatch',
          'schema/not-valid-constraint',
          'schema/status-without-check',
          'schema/likely-unique',
        ],
        notApplicable: noTables,
      },
      {
        id: 'types',
        title: 'Columns have the most specific types (timestamptz, numeric for money, identity, jsonb …)',
        rules: [
          'schema/prefer-timestamptz',
          'schema/no-float-money',
          'schema/no-money-type',
          'schema/no-char',
          'schema/prefer-jsonb',
          'schema/prefer-identity',
          'schema/prefer-bigint-key',
          'schema/uuid-in-text',
          'schema/varchar-length',
          'schema/sequence-overflow',
        ],
        notApplicable: noTables,
      },
      {
        id: 'normalization',
        title: 'Normalized (3NF): no repeating groups, delimited lists, copied attributes or EAV tables',
        rules: [
          'schema/repeating-columns',
          'schema/delimited-list',
          'schema/copied-attribute',
          'schema/entity-attribute-value',
          'schema/wide-table',
        ],
        notApplicable: noTables,
      },
      {
        id: 'naming',
        title: 'Names follow the conventions',
        rules: [
          'schema/table-naming',
          'schema/column-naming',
          'schema/foreign-key-naming',
          'schema/index-naming',
          'schema/unique-naming',
          'schema/check-naming',
          'schema/quoted-identifier',
          'schema/name-length-limit',
          'sql/identifier-too-long',
        ],
        notApplicable: noTables,
      },
      {
        id: 'standard-columns',
        title: 'Standard columns: created_at and updated_at kept current, soft delete indexed',
        rules: ['schema/timestamps', 'schema/updated-at-maintained', 'schema/soft-delete-index'],
        notApplicable: noTables,
      },
    ],
  },
  {
    id: 'migration',
    title: 'Migration',
    boxes: [
      {
        id: 'parses',
        title: 'Every migration parses on PostgreSQL’s grammar',
        rules: ['sql/*'],
        notApplicable: noMigrations,
      },
      {
        id: 'reversible',
        title: 'Every migration has a down section and is reversible (up, down, up on a scratch database)',
        rules: [
          'migration/missing-down',
          'migration/irreversible',
          'migration/up-fails',
          'migration/down-fails',
          'migration/down-column-order',
        ],
        notApplicable: noMigrations,
      },
      {
        id: 'locks',
        title: 'No statement blocks an existing table for long (locks, rewrites, scans)',
        rules: ['migration/*'],
        notApplicable: noMigrations,
      },
      {
        id: 'timeouts',
        title: 'lock_timeout and statement_timeout are set',
        rules: ['migration/require-lock-timeout', 'migration/require-statement-timeout'],
        notApplicable: noMigrations,
      },
      {
        id: 'transactions',
        title: 'Transactions are sound (no nested or unfinished transaction, CONCURRENTLY outside one)',
        rules: [
          'migration/nested-transaction',
          'migration/uncommitted-transaction',
          'migration/cannot-run-in-transaction',
          'migration/prefer-robust-statements',
        ],
        notApplicable: noMigrations,
      },
      {
        id: 'traced',
        title: 'The locks PostgreSQL really took (traced on a scratch database) match the lock model',
        rules: ['migration/trace-failure', 'migration/trace-mismatch'],
        notApplicable: noMigrations,
      },
    ],
  },
  {
    id: 'performance',
    title: 'Performance',
    boxes: [
      {
        id: 'indexes',
        title: 'Foreign keys and access paths are indexed; no duplicate, redundant or useless index',
        rules: [
          'schema/foreign-key-without-index',
          'schema/duplicate-index',
          'schema/redundant-index',
          'schema/invalid-index',
          'schema/unused-index',
          'schema/low-cardinality-index',
          'schema/index-type-mismatch',
          'schema/too-many-indexes',
        ],
        notApplicable: noTables,
      },
      {
        id: 'growth',
        title: 'Large tables are planned for growth (partitioning, BRIN)',
        rules: ['schema/partition-candidate', 'schema/brin-candidate'],
        notApplicable: noTables,
      },
      {
        id: 'queries',
        title: 'Queries avoid the known anti-patterns (SELECT *, leading wildcards, NOT IN, large OFFSET …)',
        rules: ['query/*'],
        notApplicable: noQueries,
      },
      {
        id: 'plans',
        title: 'Query plans on seeded data are sound (EXPLAIN ANALYZE: scans, estimates, memory)',
        rules: ['plan/*'],
        notApplicable: (scope) =>
          scope.queries === 0
            ? 'no queries found'
            : scope.explained === 0
              ? 'no query could be explained (EXPLAIN is off, or every query failed)'
              : null,
      },
    ],
  },
  {
    id: 'security',
    title: 'Security and backup',
    boxes: [
      {
        id: 'tenancy',
        title: 'Tenant data is isolated (tenant column in the keys, row level security forced, a policy)',
        rules: ['schema/tenant-column', 'schema/tenant-in-keys', 'schema/tenant-rls'],
        notApplicable: (scope) => (scope.tenantTables === 0 ? 'no multi-tenant table' : null),
      },
      {
        id: 'guard',
        title: 'What a migration destroys is backed up first (the guard: pg_dump, verified by pg_restore)',
        rules: [
          'migration/drop-table',
          'migration/drop-column',
          'migration/drop-schema',
          'migration/drop-database',
          'migration/truncate',
          'migration/unbounded-write',
        ],
        notApplicable: (scope) =>
          scope.migrations === 0
            ? 'no migrations'
            : scope.destructive === 0
              ? 'no migration destroys data'
              : null,
        extraFailure: (scope) =>
          scope.destructive > 0 && !scope.guard.ready
            ? `the guard cannot back up here: ${scope.guard.problem}`
            : null,
      },
    ],
  },
];

export interface Box {
  readonly id: string;
  readonly title: string;
  readonly status: BoxStatus;
  /** Why the box failed without a finding, or why it does not apply. */
  readonly reason: string | null;
  /** The findings behind the box (all severities), as indexes into the report's findings. */
  readonly findings: readonly number[];
}

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly boxes: readonly Box[];
}

function matches(pattern: string, rule: string): boolean {
  return pattern.endsWith('/*') ? rule.startsWith(pattern.slice(0, -1)) : pattern === rule;
}

/**
 * Each finding goes to exactly one box: the first whose rules name it exactly, else the first whose pattern
 * (`migration/*`) covers it. Findings no box claims are returned apart (a new rule not placed yet).
 */
export function buildChecklist(
  findings: readonly Finding[],
  scope: CheckScope,
  failOn: FailOn,
): { sections: Section[]; unplaced: number[] } {
  const boxes = CHECKLIST.flatMap((section) => section.boxes);
  const placed = new Map<string, number[]>(boxes.map((box) => [box.id, []]));
  const unplaced: number[] = [];
  findings.forEach((finding, index) => {
    const box =
      boxes.find((b) => b.rules.includes(finding.rule)) ??
      boxes.find((b) => b.rules.some((pattern) => matches(pattern, finding.rule)));
    if (box) placed.get(box.id)!.push(index);
    else unplaced.push(index);
  });
  const sections = CHECKLIST.map((section) => ({
    id: section.id,
    title: section.title,
    boxes: section.boxes.map((definition): Box => {
      const indexes = placed.get(definition.id)!;
      const failing = indexes.some((i) => reachesThreshold(findings[i]!.severity, failOn));
      const extra = definition.extraFailure?.(scope) ?? null;
      const notApplicable = definition.notApplicable(scope);
      const status: BoxStatus =
        failing || extra ? 'fail' : notApplicable && indexes.length === 0 ? 'n/a' : 'pass';
      return {
        id: definition.id,
        title: definition.title,
        status,
        reason: extra ?? (status === 'n/a' ? notApplicable : null),
        findings: indexes,
      };
    }),
  }));
  return { sections, unplaced };
}
