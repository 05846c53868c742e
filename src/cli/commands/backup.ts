import type { BackupProgress, VerifyLevel } from '../../index.js';
import type { CliContext, OutputOptions } from '../context.js';
import { emit } from '../context.js';

interface DirOption extends OutputOptions {
  readonly dir?: string;
}

export interface BackupCreateCliOptions extends DirOption {
  readonly db?: string;
  readonly to?: string;
  readonly jobs?: number;
  readonly withPasswords?: boolean;
  readonly quiet?: boolean;
}

/** A one-line bar on an interactive terminal; nothing in CI, in a pipe or with --quiet. */
function progressBar(quiet: boolean | undefined): {
  update?: (progress: BackupProgress) => void;
  done: () => void;
} {
  const stream = process.stderr;
  if (quiet || !stream.isTTY || process.env.CI) return { done: () => {} };
  let shown = false;
  return {
    update: ({ tablesDone, tablesTotal, bytes }) => {
      const width = 30;
      const share = tablesTotal === 0 ? 1 : Math.min(1, tablesDone / tablesTotal);
      const filled = Math.round(share * width);
      const mb = (bytes / 1024 / 1024).toFixed(1);
      stream.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${tablesDone}/${tablesTotal} tables, ${mb} MB`,
      );
      shown = true;
    },
    done: () => {
      if (shown) stream.write('\r\u001b[K');
    },
  };
}

export async function runBackupCreate(context: CliContext, options: BackupCreateCliOptions): Promise<void> {
  const bar = progressBar(options.quiet);
  try {
    const report = await context.lib.backupCreate({
      config: context.config,
      db: options.db,
      dir: options.to ?? options.dir,
      jobs: options.jobs,
      withPasswords: options.withPasswords,
      onProgress: bar.update,
      embedded: { log: context.log },
      log: context.log,
    });
    bar.done();
    emit(context, report, options, (colors) => context.lib.renderBackupData(report, colors));
  } finally {
    bar.done();
  }
}

export async function runBackupVerify(
  context: CliContext,
  backup: string,
  options: DirOption & { readonly level?: VerifyLevel; readonly restoreDb?: string; readonly jobs?: number },
): Promise<void> {
  const report = await context.lib.backupVerify({
    config: context.config,
    backup,
    dir: options.dir,
    level: options.level,
    restoreDb: options.restoreDb,
    jobs: options.jobs,
    embedded: { log: context.log },
    log: context.log,
  });
  emit(context, report, options, (colors) => context.lib.renderBackupData(report, colors));
}

export async function runBackupList(context: CliContext, options: DirOption): Promise<void> {
  const report = await context.lib.backupList({ config: context.config, dir: options.dir });
  emit(context, report, options, (colors) => context.lib.renderBackupData(report, colors));
}

export async function runBackupRestore(
  context: CliContext,
  backup: string,
  options: DirOption & {
    readonly into: string;
    readonly db?: string;
    readonly jobs?: number;
    readonly noOwner?: boolean;
  },
): Promise<void> {
  const report = await context.lib.backupRestore({
    config: context.config,
    backup,
    into: options.into,
    db: options.db,
    dir: options.dir,
    jobs: options.jobs,
    noOwner: options.noOwner,
    embedded: { log: context.log },
    log: context.log,
  });
  emit(context, report, options, (colors) => context.lib.renderBackupData(report, colors));
}

export async function runBackupPrune(
  context: CliContext,
  options: DirOption & {
    readonly keepDaily?: number;
    readonly keepWeekly?: number;
    readonly keepMonthly?: number;
    readonly apply?: boolean;
  },
): Promise<void> {
  const report = await context.lib.backupPrune({
    config: context.config,
    dir: options.dir,
    retention: { daily: options.keepDaily, weekly: options.keepWeekly, monthly: options.keepMonthly },
    apply: options.apply,
  });
  emit(context, report, options, (colors) => context.lib.renderBackupData(report, colors));
}
