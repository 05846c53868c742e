import type { CliContext } from '../context.js';

export interface MetricsCliOptions {
  readonly db?: string[];
  readonly listen?: string;
}

/** `pgwarden metrics`: serves /metrics until Ctrl-C or SIGTERM, which close the listener and the sessions. */
export async function runMetrics(context: CliContext, options: MetricsCliOptions): Promise<void> {
  const server = await context.lib.startMetricsServer({
    config: context.config,
    db: options.db,
    listen: options.listen,
    log: context.log,
  });
  context.log(`serving ${server.url} for ${server.targets.join(', ')} (read-only)`);
  await new Promise<never>(() => {});
}
