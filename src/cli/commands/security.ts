import type { CliContext, OutputOptions } from '../context.js';
import { emit } from '../context.js';

export interface SecurityCliOptions extends OutputOptions {
  readonly db?: string;
}

export async function runSecurity(context: CliContext, options: SecurityCliOptions): Promise<void> {
  const { lib } = context;
  const report = await lib.auditSecurity({
    config: context.config,
    db: options.db,
    embedded: { log: context.log },
    log: context.log,
  });
  emit(context, report, options, (colors) => lib.renderSecurityData(report, colors));
}

export interface SecurityGenerateCliOptions {
  readonly role?: string;
  readonly schema?: string[];
  readonly database?: string;
  readonly owner?: string;
  readonly login?: boolean;
  readonly table?: string[];
  readonly column?: string;
  readonly setting?: string;
  readonly policy?: string;
  readonly down?: boolean;
  readonly format: 'sql' | 'json';
}

export async function runSecurityGenerate(
  context: CliContext,
  kind: string,
  options: SecurityGenerateCliOptions,
): Promise<void> {
  const { lib } = context;
  if (!(lib.SECURITY_GENERATORS as readonly string[]).includes(kind)) {
    throw new lib.PgwardenError('usage', `unknown generator "${kind}"`, {
      hint: `one of ${lib.SECURITY_GENERATORS.join(', ')}`,
    });
  }
  const report = lib.generateSecurityScript(kind as (typeof lib.SECURITY_GENERATORS)[number], {
    role: options.role,
    schemas: options.schema,
    database: options.database,
    owner: options.owner,
    login: options.login,
    tables: options.table,
    column: options.column,
    setting: options.setting,
    policyName: options.policy,
  });
  if (options.format === 'json') {
    process.stdout.write(lib.render(report, { format: 'json', color: false }));
    return;
  }
  process.stdout.write(options.down ? report.data!.down : report.data!.up);
}
