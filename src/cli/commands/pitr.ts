import type { CliContext, OutputOptions } from '../context.js';
import { emit } from '../context.js';

interface StanzaCliOptions extends OutputOptions {
  readonly stanza?: string;
  readonly repo?: string;
  readonly pgbackrestConfig?: string;
}

export interface PitrSetupCliOptions extends OutputOptions {
  readonly stanza: string;
  readonly repo: string;
  readonly db?: string;
  readonly pgData?: string;
  readonly pgbackrestConfig?: string;
  readonly apply?: boolean;
  readonly force?: boolean;
}

export async function runPitrSetup(context: CliContext, options: PitrSetupCliOptions): Promise<void> {
  const { lib } = context;
  const report = await lib.pitrSetup({ ...options, config: context.config, log: context.log });
  emit(context, report, options, (colors) => lib.renderPitrSetupData(report, colors));
  // the statements the server needs are printed first: the refusal says to run them
  const refusal = lib.pitrSetupRefusal(report);
  if (refusal) throw refusal;
}

export async function runPitrBackup(
  context: CliContext,
  options: StanzaCliOptions & { readonly type?: 'full' | 'diff' | 'incr' },
): Promise<void> {
  const { lib } = context;
  const report = await lib.pitrBackup({ ...options, config: context.config, log: context.log });
  emit(context, report, options, (colors) => lib.renderPitrBackupData(report, colors));
}

export async function runPitrStatus(
  context: CliContext,
  options: StanzaCliOptions & { readonly db?: string },
): Promise<void> {
  const { lib } = context;
  const report = await lib.pitrStatus({ ...options, config: context.config, log: context.log });
  emit(context, report, options, (colors) => lib.renderPitrStatusData(report, colors));
}

export async function runPitrRestore(
  context: CliContext,
  options: StanzaCliOptions & {
    readonly to: string;
    readonly into: string;
    readonly targetType?: 'time' | 'lsn' | 'name';
    readonly port?: number;
    readonly keepArchiving?: boolean;
  },
): Promise<void> {
  const { lib } = context;
  const report = await lib.pitrRestore({ ...options, config: context.config, log: context.log });
  emit(context, report, options, (colors) => lib.renderPitrRestoreData(report, colors));
}
