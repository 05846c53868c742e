/**
 * Applying migrations through an agent: plan → approve → apply. `plan_migrations` reads what would run and
 * records it under an id, with the checksum of every migration file; the agent shows the plan to the user; on
 * approval `apply_migrations` applies exactly that plan — the same migrations, from unchanged files, on a
 * database still in the state the plan saw — through the runner and its guard, or refuses.
 *
 * The plan's hash covers exactly what will run: the target database's identity (cluster system identifier,
 * database name and oid, server address), the folder, every file's checksum and each migration's statements.
 * The approval apply_migrations takes is that hash: it is bound to the plan the user saw, and used once.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import * as lib from '../index.js';
import { type McpContext, migrationsDir } from './context.js';
import { guarded, Refusal, success } from './results.js';
import { pgVersionInput, statusText, successWithWarnings, targetMajorOf } from './tools.js';

export interface PlannedStatement {
  readonly line: number;
  readonly sql: string;
  readonly locks: readonly { relation: string; mode: string; blocksReads: boolean; blocksWrites: boolean }[];
}

export interface PlanMigration {
  readonly version: string;
  readonly name: string;
  readonly file: string;
  readonly checksum: string;
  readonly transaction: boolean;
  readonly statements: readonly PlannedStatement[];
  /** The statements that destroy data, and what the guard backs up before each. */
  readonly destructive: readonly lib.Destruction[];
}

export interface MigrationPlan {
  readonly planId: string;
  /** sha256 of what the plan will run (see planHash): the approval apply_migrations takes. */
  readonly planHash: string;
  /** The database the plan was made on, as its server tells it: apply refuses any other. */
  readonly target: lib.DatabaseIdentity & { readonly display: string };
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly database: string;
  readonly dir: string;
  /** migrateUp's `to`: the plan's last version. */
  readonly to: string;
  readonly pgVersion: number;
  readonly migrations: readonly PlanMigration[];
  /** Whether the runner backs up before destructive statements on this database (not on the embedded server). */
  readonly guardBackups: boolean;
  readonly findings: readonly lib.Finding[];
  readonly summary: lib.SeverityCounts;
  readonly preflight: lib.MigrateResult['preflight'];
  readonly drift: lib.MigrateResult['drift'];
  /** Every migration file of the folder when planned: version → checksum. */
  readonly checksums: Readonly<Record<string, string>>;
}

type PlanState = 'open' | 'applying' | 'used' | 'stale';

interface StoredPlan {
  readonly plan: MigrationPlan;
  state: PlanState;
}

function expired(plan: MigrationPlan): boolean {
  return Date.now() > Date.parse(plan.expiresAt);
}

function writesDisabled(tool: string): Refusal {
  return new Refusal(
    'writes-disabled',
    `${tool} is refused: applying migrations changes the database, and this MCP server is read-only`,
    'start the server with --allow-writes (for example `npx pgwarden mcp --project DIR --allow-writes`) to plan and apply migrations; migration_status and lint_migration work without it',
  );
}

function checksumsOf(migrations: readonly lib.Migration[]): Record<string, string> {
  return Object.fromEntries(migrations.map((m) => [m.version, lib.migrationChecksum(m)]));
}

function differences(before: Readonly<Record<string, string>>, now: Readonly<Record<string, string>>) {
  const changed: string[] = [];
  for (const [version, checksum] of Object.entries(before)) {
    if (!(version in now)) changed.push(`${version} removed`);
    else if (now[version] !== checksum) changed.push(`${version} changed`);
  }
  for (const version of Object.keys(now)) if (!(version in before)) changed.push(`${version} added`);
  return changed;
}

/** The server's major, the database's identity and its schema as the linter models it, read-only. */
async function databaseFacts(
  target: lib.DatabaseTarget,
): Promise<{ pgVersion: number; identity: lib.DatabaseIdentity; state: lib.SchemaState }> {
  const connection = await target.connect();
  try {
    const pgVersion = (await lib.serverVersion(connection)).major;
    const identity = await lib.databaseIdentity(connection);
    return { pgVersion, identity, state: await lib.schemaStateFromDatabase(connection) };
  } finally {
    await connection.close();
  }
}

/**
 * The hash of exactly what a plan runs, on which database: a canonical JSON of the target's identity, the folder,
 * the last version, every file's checksum and each planned migration's statements, hashed with sha256.
 */
export function planHash(plan: Omit<MigrationPlan, 'planHash'>): string {
  const canonical = JSON.stringify({
    planId: plan.planId,
    target: {
      systemIdentifier: plan.target.systemIdentifier,
      database: plan.target.database,
      databaseOid: plan.target.databaseOid,
      server: plan.target.server,
      display: plan.target.display,
    },
    dir: plan.dir,
    to: plan.to,
    checksums: Object.entries(plan.checksums).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    migrations: plan.migrations.map((m) => ({
      version: m.version,
      file: m.file,
      checksum: m.checksum,
      transaction: m.transaction,
      statements: m.statements.map((s) => s.sql),
    })),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

function planText(plan: MigrationPlan): string {
  const lines = [
    `Plan ${plan.planId} for ${plan.database} (valid until ${plan.expiresAt}):`,
    `target: database ${plan.target.database} (oid ${plan.target.databaseOid}) on ${plan.target.server}, cluster ${plan.target.systemIdentifier ?? '(system identifier not readable by this role)'}`,
    `plan hash: ${plan.planHash}`,
    `apply ${plan.migrations.length} migration(s), up to ${plan.to}, from ${plan.dir}`,
  ];
  for (const session of plan.preflight) {
    lines.push(
      `⚠ pid ${session.pid} has been in a transaction for ${session.ageSeconds} s (${session.state}) holding ${session.relations.join(', ') || 'no table lock yet'}: ${session.query}`,
    );
  }
  if (plan.drift)
    lines.push(
      `⚠ the schema differs from what the last migration left (${plan.drift.orderOnly ? 'column order only' : 'drift'})`,
    );
  for (const migration of plan.migrations) {
    lines.push(
      '',
      `${migration.version}_${migration.name}${migration.transaction ? '' : ' (no transaction)'} — sha256 ${migration.checksum.slice(0, 12)}`,
    );
    for (const d of migration.destructive) {
      const objects = [...d.backup.tables, ...d.backup.schemas].join(', ');
      lines.push(
        `  DESTROYS line ${d.line} ${d.action}${plan.guardBackups ? `: the guard backs up ${objects} first` : ' (embedded server: no backup is taken)'}`,
      );
    }
    for (const statement of migration.statements) {
      const locks = statement.locks.map((l) => `${l.relation} ${l.mode}`).join(', ');
      lines.push(
        `  ${statement.line}: ${statement.sql.replace(/\s+/g, ' ').slice(0, 160)}${locks ? `  [${locks}]` : ''}`,
      );
    }
  }
  const mine = plan.findings;
  lines.push(
    '',
    mine.length === 0
      ? 'Lint: no findings.'
      : `Lint: ${plan.summary.error} error(s), ${plan.summary.warning} warning(s), ${plan.summary.info} info:`,
  );
  for (const f of mine) {
    const where = 'file' in f.location ? `${f.location.file.split('/').at(-1)}:${f.location.line}` : '';
    lines.push(
      `  ${f.severity} ${where} ${f.message} (${f.rule})${f.fix ? `\n    fix: ${f.fix.split('\n')[0]}` : ''}`,
    );
  }
  lines.push(
    '',
    'Show this plan to the user. Only after they approve it, call apply_migrations with this plan_id and this plan hash as approval.',
  );
  return lines.join('\n');
}

/** The plans of this server session, in memory: an id is valid once, until it expires. */
export class PlanStore {
  readonly #plans = new Map<string, StoredPlan>();

  /** Keeps a new plan (and forgets the expired ones that were never applied). */
  add(plan: MigrationPlan): void {
    for (const [id, stored] of this.#plans) {
      if (stored.state !== 'applying' && expired(stored.plan)) this.#plans.delete(id);
    }
    this.#plans.set(plan.planId, { plan, state: 'open' });
  }

  /**
   * Takes the plan for applying (at once, so two calls cannot both apply it), or refuses. The approval must be
   * the plan's hash: an approval of another plan, or of nothing, leaves the plan unapplied (and still open).
   */
  take(id: string, approval: string): StoredPlan {
    const stored = this.#plans.get(id);
    if (!stored)
      throw new Refusal(
        'plan-not-found',
        `no migration plan "${id}"`,
        'call plan_migrations, show the plan to the user, and apply it with the plan_id it returns',
      );
    if (stored.state === 'used' || stored.state === 'applying')
      throw new Refusal(
        'plan-used',
        `migration plan ${id} was already ${stored.state === 'used' ? 'applied' : 'being applied'}`,
        'a plan applies once: call plan_migrations for a new one',
      );
    if (stored.state === 'stale')
      throw new Refusal(
        'plan-stale',
        `migration plan ${id} no longer matches the migrations or the database`,
        'call plan_migrations again and show the new plan to the user',
      );
    if (expired(stored.plan)) {
      this.#plans.delete(id);
      throw new Refusal(
        'plan-expired',
        `migration plan ${id} expired at ${stored.plan.expiresAt}`,
        'call plan_migrations again and show the new plan to the user',
      );
    }
    if (approval !== stored.plan.planHash)
      throw new Refusal(
        'approval-mismatch',
        `the approval given is not migration plan ${id}'s hash: nothing was applied`,
        'pass as approval the planHash that plan_migrations returned with this plan_id, once the user approved that plan',
      );
    stored.state = 'applying';
    return stored;
  }
}

function registerPlan(server: McpServer, context: McpContext, store: PlanStore): void {
  server.registerTool(
    'plan_migrations',
    {
      title: 'Plan migrations',
      description:
        'Step 1 of applying migrations (needs --allow-writes): reads the pending migrations and returns a plan with an id — each migration with its statements and the locks they take, the lint findings, and the statements that destroy data (which the guard backs up first). Changes nothing. Show the plan to the user; apply it with apply_migrations only after they approve.',
      inputSchema: {
        to: z
          .string()
          .min(1)
          .optional()
          .describe('plan up to and including this version (default: every pending one)'),
        dir: z
          .string()
          .min(1)
          .optional()
          .describe(
            "the migrations folder, relative to the project (default: the config's, else migrations/)",
          ),
        pg_version: pgVersionInput(
          lib.SERVER_PG_MAJORS,
          "the plan's lint findings and safe recipes are for it (default: the database's major)",
        ),
      },
      annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
    },
    (input) =>
      guarded(async () => {
        if (!context.allowWrites) throw writesDisabled('plan_migrations');
        const given = targetMajorOf(input.pg_version, lib.SERVER_PG_MAJORS);
        const dir = migrationsDir(context, input.dir);
        // the files as planned: their checksums are what apply_migrations compares with
        const files = await lib.readMigrations(dir);
        const checksums = checksumsOf(files);
        const target = await context.databases.target(false);
        let dry: lib.MigrateResult;
        let facts: Awaited<ReturnType<typeof databaseFacts>> | undefined;
        try {
          // the runner's own checks: changed or missing applied files, out-of-order, failed part-way, drift
          dry = await lib.migrateUp(
            { target, config: context.config, dir, log: context.log, pgVersion: given },
            { to: input.to, dryRun: true },
          );
          if (dry.plan.length > 0) facts = await databaseFacts(target);
        } finally {
          await target.close();
        }
        if (!facts) {
          return success(
            { planId: null, database: dry.database, migrations: [], statuses: dry.statuses },
            `Nothing to apply on ${dry.database}: no pending migration${input.to ? ` up to ${input.to}` : ''}.\n\n${statusText(dry)}`,
          );
        }
        // the pending migrations in order, on the schema the database has now (its real table sizes decide
        // the severities, as `pgwarden lint --db`), checked by the rules and modelled statement by statement
        const byVersion = new Map(files.map((m) => [m.version, m]));
        const pending = dry.plan.map((p) => {
          const migration = byVersion.get(p.version);
          if (!migration)
            throw new lib.PgwardenError('input', `migration ${p.version} changed while planning`, {
              hint: 'call plan_migrations again',
            });
          return migration;
        });
        const major = lib.targetMajor({ given, server: facts.pgVersion });
        const checked = await lib.checkSql(
          pending.map((m) => m.up),
          {
            pgVersion: major.major,
            state: facts.state,
            ruleSet: lib.createRuleSet(lib.allRules, context.config.config),
            thresholds: context.config.config.thresholds,
          },
        );
        const findings = lib.sortFindings(checked.findings);
        const pgVersion = major.major;
        const guardBackups = target.kind !== 'embedded';
        const now = Date.now();
        const unhashed: Omit<MigrationPlan, 'planHash'> = {
          planId: randomUUID(),
          target: { ...facts.identity, display: dry.database },
          createdAt: new Date(now).toISOString(),
          expiresAt: new Date(now + context.planTtlMs).toISOString(),
          database: dry.database,
          dir,
          to: dry.plan.at(-1)!.version,
          pgVersion,
          migrations: dry.plan.map((planned, i) => {
            const migration = pending[i]!;
            const model = checked.migrations[i]!;
            return {
              version: planned.version,
              name: planned.name,
              file: migration.up.file,
              checksum: checksums[planned.version]!,
              transaction: planned.transaction,
              statements: model.statements
                .filter((a) => !a.embeddedIn)
                .map((a) => ({
                  line: a.statement.start.line,
                  sql: a.statement.text,
                  locks: a.locks.map(({ relation, mode, blocksReads, blocksWrites }) => ({
                    relation,
                    mode,
                    blocksReads,
                    blocksWrites,
                  })),
                })),
              // on a live database the runner's list (from the catalog); on the embedded server, from the files
              destructive: guardBackups ? planned.guard : lib.destructions(model),
            };
          }),
          guardBackups,
          findings,
          summary: lib.countBySeverity(findings),
          preflight: dry.preflight,
          drift: dry.drift,
          checksums,
        };
        const plan: MigrationPlan = { ...unhashed, planHash: planHash(unhashed) };
        store.add(plan);
        return successWithWarnings(
          major.warning ? [major.warning.replace('--pg-version', 'pg_version')] : [],
          { ...plan },
          planText(plan),
        );
      }, context.debug),
  );
}

function registerApply(server: McpServer, context: McpContext, store: PlanStore): void {
  server.registerTool(
    'apply_migrations',
    {
      title: 'Apply a migration plan',
      description:
        "Step 2 (needs --allow-writes): applies exactly the plan that plan_migrations returned and the user approved — each migration in its own transaction, with lock and statement timeouts, the migration lock, and the guard (a verified backup before any statement that destroys data). Takes the plan_id and, as approval, the plan's planHash. Refuses when the plan id is unknown, expired or already used, when the approval is not that plan's hash, or when the migration files, the applied migrations or the target database (another cluster, database or server) changed since the plan.",
      inputSchema: {
        plan_id: z
          .string()
          .min(1)
          .describe('the planId returned by plan_migrations, after the user approved that plan'),
        approval: z
          .string()
          .min(1)
          .max(200)
          .describe(
            "the plan's planHash as plan_migrations returned it: the user's approval of exactly that plan (usable once)",
          ),
      },
      annotations: {
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    (input) =>
      guarded(async () => {
        if (!context.allowWrites) throw writesDisabled('apply_migrations');
        const stored = store.take(input.plan_id, input.approval);
        const { plan } = stored;
        let started = false;
        try {
          const changed = differences(plan.checksums, checksumsOf(await lib.readMigrations(plan.dir)));
          if (changed.length > 0) {
            stored.state = 'stale';
            throw new Refusal(
              'plan-stale',
              `the migration files changed since plan ${plan.planId}: ${changed.join(', ')}`,
              'nothing was applied; call plan_migrations again and show the new plan to the user',
              { changed },
            );
          }
          // the target major the plan was linted for
          const runner = {
            config: context.config,
            dir: plan.dir,
            log: context.log,
            pgVersion: plan.pgVersion,
          };
          const reader = await context.databases.target(false);
          let status: lib.MigrateResult;
          try {
            const connection = await reader.connect();
            let identity: lib.DatabaseIdentity;
            try {
              identity = await lib.databaseIdentity(connection);
            } finally {
              await connection.close();
            }
            const moved = lib.identityDifferences(plan.target, identity);
            if (moved.length > 0) {
              stored.state = 'stale';
              throw new Refusal(
                'plan-stale',
                `plan ${plan.planId} was made on another database than the one connected now: ${moved.join(', ')}`,
                'nothing was applied; call plan_migrations again on this database and show the new plan to the user',
                { changed: moved },
              );
            }
            status = await lib.migrateStatus({ ...runner, target: reader });
          } finally {
            await reader.close();
          }
          // in the folder runner's order, as migrate up --to reads it
          const last = status.statuses.findIndex((s) => s.version === plan.to);
          const pending = status.statuses
            .filter((s, i) => (s.state === 'pending' || s.state === 'failed') && i <= last)
            .map((s) => s.version);
          const planned = plan.migrations.map((m) => m.version);
          if (pending.join('\n') !== planned.join('\n')) {
            stored.state = 'stale';
            throw new Refusal(
              'plan-stale',
              `the database changed since plan ${plan.planId}: pending now ${pending.join(', ') || 'none'}, planned ${planned.join(', ')}`,
              'nothing was applied; call plan_migrations again and show the new plan to the user',
            );
          }
          const writer = await context.databases.target(true);
          let result: lib.MigrateResult;
          try {
            // the runner's guard is always on here: no --no-guard through the MCP server; the plan is checked again
            // under the migration lock, where nothing can change before the run
            started = true;
            result = await lib
              .migrateUp(
                { ...runner, target: writer },
                {
                  to: plan.to,
                  expect: { versions: planned, checksums: plan.checksums, database: plan.target },
                },
              )
              .catch((error: unknown) => {
                if (!(error instanceof lib.StalePlanError)) throw error;
                started = false;
                stored.state = 'stale';
                throw new Refusal(
                  'plan-stale',
                  `${error.message} (plan ${plan.planId}, checked under the migration lock)`,
                  'nothing was applied; call plan_migrations again and show the new plan to the user',
                  { changed: error.differences },
                );
              });
          } finally {
            await writer.close();
          }
          stored.state = 'used';
          const applied = result.runs.map((r) => r.version);
          const lines = [`Applied plan ${plan.planId}:`, '', statusText(result)];
          return success(
            {
              planId: plan.planId,
              applied,
              runs: result.runs,
              database: result.database,
              statuses: result.statuses,
            },
            lines.join('\n'),
          );
        } catch (error) {
          // a failure before anything ran (a connection) leaves the plan open; once the runner started, it is used
          if (stored.state === 'applying') stored.state = started ? 'used' : 'open';
          throw error;
        }
      }, context.debug),
  );
}

/** Registered always: without --allow-writes they refuse, saying how to enable them. */
export function registerPlanTools(server: McpServer, context: McpContext): string[] {
  const store = new PlanStore();
  registerPlan(server, context, store);
  registerApply(server, context, store);
  return ['plan_migrations', 'apply_migrations'];
}
