import { parse } from 'pg-connection-string';
import { PgwardenError } from '../core/errors.js';
import { redactUrl, registerSecret } from '../core/redact.js';

export interface ParsedUrl {
  readonly url: string;
  /** The URL with its password masked: the only form pgwarden ever prints. */
  readonly display: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string | undefined;
}

/** Validates a PostgreSQL connection URL and remembers its password so that it is masked everywhere. */
export function parseDatabaseUrl(url: string, source = '--db'): ParsedUrl {
  const trimmed = url.trim();
  if (!/^postgres(?:ql)?:\/\//i.test(trimmed)) {
    throw new PgwardenError('usage', `${source}: not a PostgreSQL URL: ${describeBadUrl(trimmed)}`, {
      hint: 'use the form postgres://user@host:5432/database (put :password after the user when needed)',
    });
  }
  let options: ReturnType<typeof parse>;
  try {
    new URL(trimmed);
    options = parse(libpqSslSemantics(trimmed));
  } catch {
    throw new PgwardenError('usage', `${source}: malformed connection URL: ${redactUrl(trimmed)}`, {
      hint: 'use the form postgres://user@host:5432/database (with :password after the user); percent-encode special characters',
    });
  }
  registerSecret(options.password ?? undefined);
  const port = options.port ? Number(options.port) : 5432;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new PgwardenError('usage', `${source}: invalid port in ${redactUrl(trimmed)}`, {
      hint: 'the port must be a number between 1 and 65535',
    });
  }
  return {
    url: trimmed,
    display: redactUrl(trimmed),
    host: options.host ?? 'localhost',
    port,
    database: options.database ?? options.user ?? 'postgres',
    user: options.user ?? undefined,
  };
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

function describeBadUrl(text: string): string {
  const shown = redactUrl(text);
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown || '(empty)';
}

/**
 * URLs are written for libpq (psql): `sslmode=require` means "encrypt, do not verify". node-postgres reads it as
 * verify-full unless told to follow libpq, so pgwarden tells it to.
 */
export function libpqSslSemantics(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('sslmode') || parsed.searchParams.has('uselibpqcompat')) return url;
  parsed.searchParams.set('uselibpqcompat', 'true');
  return parsed.toString();
}
