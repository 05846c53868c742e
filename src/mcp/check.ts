import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import * as lib from '../index.js';
import { progressInSteps, stepProgress } from './calls.js';
import type { McpContext } from './context.js';
import { guarded, reportJson } from './results.js';
import { pgVersionInput, reportShape, successWithWarnings, targetLog, targetMajorOf } from './tools.js';

/** `check_project`: the project's Definition of Done, on scratch databases of the embedded server only. */
export function registerCheck(server: McpServer, context: McpContext): string[] {
  server.registerTool(
    'check_project',
    {
      title: 'Check the project',
      description:
        "The Definition of Done of a database change, for the whole project: lints and traces the migrations, verifies each one reverses (up, down, up), reviews the schema they build, reviews and EXPLAINs the project's queries on a seeded shadow database, and checks the guard is ready for the destructive statements. Returns the checklist. Runs only on scratch databases of the embedded server: the project's database is not touched. Can take a minute on a large project.",
      inputSchema: {
        explain: z
          .boolean()
          .optional()
          .describe(
            "EXPLAIN ANALYZE each query on the shadow database (default: the config's check.explain, true)",
          ),
        fail_on: z
          .enum(['error', 'warning', 'info'])
          .optional()
          .describe('a box of the checklist fails on a finding at or above this severity (default: warning)'),
        pg_version: pgVersionInput(
          lib.SERVER_PG_MAJORS,
          "the major the project's migrations and queries will run on: every box's findings and fixes, and the guard's pg_dump check, are for it (default: the config's pgVersion, else the embedded server's major)",
        ),
      },
      outputSchema: z.looseObject({
        ...reportShape,
        project: z.string(),
        sections: z.array(z.unknown()),
        steps: z.array(z.unknown()),
        done: z.boolean(),
      }),
      annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
    },
    (input) =>
      guarded(async () => {
        const pgVersion = targetMajorOf(input.pg_version, lib.SERVER_PG_MAJORS);
        const { log, warnings } = targetLog(context);
        progressInSteps();
        let finished = 0;
        const report = await lib.checkProject({
          dir: context.projectDir,
          config: context.config,
          db: await context.databases.shadowServerUrl(),
          env: {},
          explain: input.explain,
          failOn: input.fail_on,
          pgVersion,
          embedded: { log: context.log },
          log,
          progress: (event) => {
            const title = lib.checkStepTitle(event.step);
            // the checklist's steps are the progress the client sees: the steps finished, and half a step when one
            // starts (steps run in lanes at once, so they finish in any order)
            if (event.state !== 'start') finished++;
            stepProgress(
              event.state === 'start' ? finished + 0.5 : finished,
              event.total,
              `${title}: ${event.state === 'start' ? 'running' : event.state}`,
            );
            if (event.state !== 'start')
              context.log(
                `check [${event.index}/${event.total}] ${title}: ${event.state}${event.detail ? ` (${event.detail})` : ''}`,
              );
          },
        });
        return successWithWarnings(warnings, reportJson(report), lib.renderCheckText(report, false));
      }, context.debug),
  );
  return ['check_project'];
}
