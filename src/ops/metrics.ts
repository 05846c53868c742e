import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoadedConfig } from '../core/config.js';
import { PgwardenError } from '../core/errors.js';
import { redact } from '../core/redact.js';
import { Connection } from '../db/connection.js';
import { onShutdown } from '../db/shutdown.js';
import { resolveTargetSource } from '../db/target.js';
import { parseDatabaseUrl } from '../db/url.js';
import { readMetrics } from '../health/metrics/collect.js';
import { EXPOSITION_CONTENT_TYPE, renderExposition } from '../health/metrics/exposition.js';
import { metricFamilies, type TargetScrape } from '../health/metrics/families.js';

export interface MetricsTarget {
  /** The `target` label of its metrics. */
  readonly name: string;
  readonly url: string;
}

export interface MetricsOptions {
  readonly config: LoadedConfig;
  /** `--db` URLs (each named after its database); default: the config's metrics.databases, else DATABASE_URL. */
  readonly db?: readonly string[];
  /** host:port; default: the config's metrics.listen (127.0.0.1:9187). */
  readonly listen?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Tables labelled in pgwarden_table_dead_tuples (default 10). */
  readonly topTables?: number;
  readonly log?: (message: string) => void;
}

export interface MetricsServer {
  /** http://host:port/metrics */
  readonly url: string;
  readonly targets: readonly string[];
  /** One scrape now (or the cached one), as exposition text. */
  scrape(): Promise<string>;
  /** Stops listening, lets the requests in flight finish, closes the sessions. */
  close(): Promise<void>;
}

function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65_535)
    throw new PgwardenError('usage', `--listen ${text}: not host:port`, {
      hint: 'e.g. --listen 127.0.0.1:9187 (0.0.0.0:9187 to listen on every interface)',
    });
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

/** The databases to export, named and checked: a bad URL or a missing variable is a usage error at start. */
export function metricsTargets(options: MetricsOptions): MetricsTarget[] {
  const env = options.env ?? process.env;
  const named = (url: string, from: string) => parseDatabaseUrl(url, from);
  if (options.db && options.db.length > 0) {
    const targets = options.db.map((url) => {
      const parsed = named(url, '--db');
      return { name: parsed.database, url: parsed.url };
    });
    const names = targets.map((t) => t.name);
    const twice = names.find((name, i) => names.indexOf(name) !== i);
    if (twice)
      throw new PgwardenError('usage', `two --db name the database "${twice}"`, {
        hint: 'name them in the config instead: "metrics": { "databases": { "orders_eu": "$EU_URL", … } }',
      });
    return targets;
  }
  const configured = Object.entries(options.config.config.metrics.databases);
  if (configured.length > 0)
    return configured.map(([name, value]) => {
      const variable = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(value)?.[1];
      const url = variable ? env[variable] : value;
      if (!url?.trim())
        throw new PgwardenError('config', `metrics.databases.${name}: the variable ${value} is not set`, {
          hint: `export ${variable}=postgres://…`,
        });
      return { name, url: named(url, `metrics.databases.${name}`).url };
    });
  const source = resolveTargetSource({ env, config: options.config.config });
  if (source.kind === 'url') {
    const parsed = named(source.url, source.from);
    return [{ name: parsed.database, url: parsed.url }];
  }
  throw new PgwardenError('usage', 'no database to export', {
    hint: 'pgwarden metrics --db postgres://…, DATABASE_URL, or "metrics": { "databases": { … } } in pgwarden.config.json',
  });
}

/** One session per target, opened on first need and again after a failure. */
class TargetSession {
  readonly target: MetricsTarget;
  #connection: Connection | null = null;

  constructor(target: MetricsTarget) {
    this.target = target;
  }

  async scrape(timeoutMs: number, topTables: number): Promise<TargetScrape> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const work = (async () => {
        this.#connection ??= await Connection.open(this.target.url, {
          applicationName: 'pgwarden metrics',
          connectTimeoutMs: timeoutMs,
        });
        return readMetrics(this.#connection, { statementTimeoutMs: timeoutMs, topTables });
      })();
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      const reading = await Promise.race([work, deadline]);
      return {
        target: this.target.name,
        reading,
        error: null,
        seconds: (performance.now() - started) / 1000,
      };
    } catch (error) {
      // a session that failed or hung is dropped: the next scrape opens a new one
      const stale = this.#connection;
      this.#connection = null;
      void stale?.close();
      return {
        target: this.target.name,
        reading: null,
        error: redact((error as Error).message),
        seconds: (performance.now() - started) / 1000,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.#connection?.close();
    this.#connection = null;
  }
}

/**
 * The log lines for reads that failed in a scrape (pgwarden_scrape_errors counts them; the reason is only here):
 * a read is logged when it starts failing or fails for another reason, not at every scrape while it keeps failing.
 */
export class FailedReads {
  #last = new Map<string, string>();

  lines(scrapes: readonly TargetScrape[]): string[] {
    const now = new Map<string, string>();
    const lines: string[] = [];
    for (const scrape of scrapes)
      for (const { read, reason } of scrape.reading?.failed ?? []) {
        const key = `${scrape.target}\u0000${read}`;
        const text = redact(reason);
        now.set(key, text);
        if (this.#last.get(key) !== text)
          lines.push(`metrics: ${scrape.target}: reading ${read} failed: ${text}`);
      }
    this.#last = now;
    return lines;
  }
}

/**
 * `pgwarden metrics`: a Prometheus exporter. Each scrape reads every target read-only (a READ ONLY transaction
 * with statement and lock timeouts) at once; a scrape that arrives while one runs waits for it, and a result is
 * served again for `cacheSeconds`, so scrapes never pile up on the databases.
 */
export async function startMetricsServer(options: MetricsOptions): Promise<MetricsServer> {
  const settings = options.config.config.metrics;
  const { host, port } = parseListen(options.listen ?? settings.listen);
  const sessions = metricsTargets(options).map((target) => new TargetSession(target));
  const timeoutMs = settings.scrapeTimeoutSeconds * 1000;
  const topTables = options.topTables ?? 10;
  const failedReads = new FailedReads();
  let running: Promise<string> | null = null;
  let cached: { text: string; at: number } | null = null;

  const scrape = (): Promise<string> => {
    if (cached && performance.now() - cached.at < settings.cacheSeconds * 1000)
      return Promise.resolve(cached.text);
    running ??= (async () => {
      try {
        const scrapes = await Promise.all(sessions.map((s) => s.scrape(timeoutMs, topTables)));
        for (const failed of scrapes.filter((s) => s.error))
          options.log?.(`metrics: ${failed.target}: ${failed.error}`);
        for (const line of failedReads.lines(scrapes)) options.log?.(line);
        const text = renderExposition(metricFamilies(scrapes));
        cached = { text, at: performance.now() };
        return text;
      } finally {
        running = null;
      }
    })();
    return running;
  };

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/') {
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          '<html><head><title>pgwarden metrics</title></head><body><a href="/metrics">/metrics</a></body></html>\n',
        );
      return;
    }
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    scrape().then(
      (text) => {
        response.writeHead(200, { 'content-type': EXPOSITION_CONTENT_TYPE });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`${redact(String(error))}\n`);
      },
    );
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new PgwardenError('usage', `cannot listen on ${host}:${port}: ${error.code ?? error.message}`, {
          hint:
            error.code === 'EADDRINUSE'
              ? 'another process listens there: pick another --listen port'
              : undefined,
        }),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      forget();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await running?.catch(() => {});
      await Promise.all(sessions.map((s) => s.close()));
    })();
    return closing;
  };
  // Ctrl-C or SIGTERM (a service manager stopping it): stop listening and close the sessions before exiting
  const forget = onShutdown(close);
  return {
    url: `http://${shownHost}:${address.port}/metrics`,
    targets: sessions.map((s) => s.target.name),
    scrape,
    close,
  };
}
