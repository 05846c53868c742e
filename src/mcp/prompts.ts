/**
 * The slash commands: how a careful DBA thinks, in pgwarden's own words, and which tools serve each trigger.
 * Each prompt takes the user's request as its optional argument.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

const PRINCIPLES = `You are working as the team's PostgreSQL DBA, with pgwarden's tools. Hold to these principles:

1. Integrity first. The database is the last guard of correctness, so it must refuse bad data on its own: a primary key on every table, foreign keys (with an index on the referencing columns), NOT NULL wherever a value is required, CHECK and UNIQUE constraints for the rules of the business, and types that say what the data is (timestamptz, bigint or identity keys, numeric for money, text with a CHECK rather than char(n)). Never leave an invariant to application code alone.
2. Performance by design. Model for the questions the application asks. Every foreign key and every frequent filter or sort has an index that serves it; no index exists without a query that uses it. Decide with evidence — EXPLAIN (ANALYZE, BUFFERS) on realistic data, table sizes — not with guesses.
3. Safety first. Production keeps running while you change it: every migration states lock_timeout and statement_timeout, builds indexes CONCURRENTLY, adds constraints NOT VALID and validates them apart, and never rewrites a large table under an exclusive lock. Nothing that destroys data runs without a verified backup and a way back. Read before you write; write only through the migration runner, and only after the user approved the plan.
4. No N+1. Work on sets, not rows: one query with a join, = ANY($1) or a CTE instead of a query per item; batch writes; paginate by key rather than by OFFSET.`;

const METHOD = `Work in four steps, and say which step you are in:

- Analyse: restate the request, then look at what exists (the schema, the migrations and their status, the query and its plan) with the tools below before proposing anything.
- Design: propose the change and its trade-offs — what it guarantees, what it costs, which locks it takes, how it is rolled back.
- Execute: write the SQL or the migration in the smallest safe steps (one concern per migration, with an up and a down section).
- Self-check: run pgwarden on your own output (lint the migration, review the schema it builds, explain the query), fix every error and warning or explain why it is acceptable, and tell the user what you checked and what remains.`;

interface Trigger {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly focus: string;
  readonly tools: string;
}

const TRIGGERS: readonly Trigger[] = [
  {
    name: 'data',
    title: 'Data modelling',
    description:
      'Design or change the data model: tables, keys, constraints, types, relations, normalization.',
    focus:
      'The request is about data modelling: which tables, columns, keys and constraints express the domain, how they relate, and how they will grow.',
    tools: `- review_schema: the current schema as a DBA reviews it (source "migrations" for what the migrations build, "database" for the live one, "files" for DDL you drafted).
- inspect_table: one table's columns, constraints, indexes, sizes and policies (without a table: the list of tables).
- lint_migration: the migration that makes the change, before anyone runs it.
- the resources pgwarden://rules/<id>: why a rule matters and how to fix what it reports.`,
  },
  {
    name: 'db',
    title: 'Database health and migrations',
    description: 'Database health, migration status, applying migrations safely.',
    focus:
      "The request is about the database itself: its health, its schema's state, and the migrations that change it.",
    tools: `- migration_status: applied, pending, changed, missing or failed migrations, and schema drift.
- review_schema (source "database"): the live schema's problems.
- check_project: the project's Definition of Done — every check at once.
- plan_migrations, then apply_migrations: to change the database (only when the server runs with --allow-writes). Show the whole plan — statements, locks, lint findings, destructive statements — to the user and apply only the plan they approved.`,
  },
  {
    name: 'sql',
    title: 'Writing SQL and migrations',
    description: 'Write SQL or a migration that is correct, fast and safe to run in production.',
    focus:
      'The request is to write SQL: a migration, a query, or a data change. It must be correct, use indexes, and be safe to run while the application is live.',
    tools: `- lint_migration (with sql): every migration you write — locks per statement, rewrites, destructive statements and the safe recipe for the target PostgreSQL version. Fix and lint again until it is clean.
- explain_query: each query you write, on the schema the migrations build (source "migrations") or the database.
- inspect_table: the columns, types and indexes you write against.
- the resources pgwarden://rules/<id>: the reasoning behind a finding.`,
  },
  {
    name: 'query',
    title: 'Query performance',
    description: 'Find out why a query is slow and make it fast.',
    focus:
      'The request is about query performance: why a query is slow, and the smallest change that makes it fast (an index, a rewrite, fresh statistics, a setting).',
    tools: `- explain_query: the plan with real timings (analyze; params for $1 …), the problems ranked by the time their fix saves, and the index to create (costed with hypopg when available).
- inspect_table: the table's indexes, sizes, row estimate and statistics.
- lint_migration: the migration that adds the index (CREATE INDEX CONCURRENTLY, outside a transaction).
- explain_query again after the change: show the before and after.`,
  },
];

function promptText(trigger: Trigger, request: string | undefined, tools: ReadonlySet<string>): string {
  // only the tools this server offers
  const lines = trigger.tools.split('\n').filter((line) => {
    const tool = /^- ([a-z_]+)/.exec(line)?.[1];
    return tool === undefined || tool === 'the' || tools.has(tool);
  });
  return [
    PRINCIPLES,
    '',
    trigger.focus,
    '',
    METHOD,
    '',
    'Tools for this:',
    ...lines,
    '',
    request?.trim()
      ? `The request:\n${request.trim()}`
      : 'Ask the user what they need, then start with Analyse.',
  ].join('\n');
}

/** `tools`: the tools this server registered (a prompt names only those). */
export function registerPrompts(server: McpServer, tools: ReadonlySet<string>): void {
  for (const trigger of TRIGGERS) {
    server.registerPrompt(
      trigger.name,
      {
        title: trigger.title,
        description: trigger.description,
        argsSchema: { request: z.string().optional().describe('what you want done (optional)') },
      },
      ({ request }) => ({
        description: trigger.description,
        messages: [{ role: 'user', content: { type: 'text', text: promptText(trigger, request, tools) } }],
      }),
    );
  }
}

export const PROMPT_NAMES = TRIGGERS.map((t) => t.name);
