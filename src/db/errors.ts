import { PgwardenError } from '../core/errors.js';

interface PgLikeError {
  code?: string;
  message?: string;
  errno?: string | number;
  hostname?: string;
  severity?: string;
  detail?: string;
  hint?: string;
  position?: string;
}

/** Turns a failure to connect into one clear line with a hint (never with the password). */
export function connectionError(error: unknown, display: string): PgwardenError {
  const e = (error ?? {}) as PgLikeError;
  const message = e.message ?? String(error);
  const target = display;
  switch (e.code) {
    case 'ECONNREFUSED':
      return new PgwardenError('connection', `cannot connect to ${target}: connection refused`, {
        hint: 'is PostgreSQL running and listening on that host and port?',
        cause: error,
      });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new PgwardenError('connection', `cannot connect to ${target}: host not found`, {
        hint: 'check the host name in the URL',
        cause: error,
      });
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new PgwardenError('connection', `cannot connect to ${target}: host unreachable (${e.code})`, {
        hint: 'check the host, the port and any firewall between you and the server',
        cause: error,
      });
    case '28P01':
      return new PgwardenError(
        'authentication',
        `cannot connect to ${target}: password authentication failed`,
        {
          hint: 'check the user name and password in the URL',
          cause: error,
        },
      );
    case '28000':
      return new PgwardenError('authentication', `cannot connect to ${target}: ${message}`, {
        hint: 'the server refused this user for this database (pg_hba.conf or a missing role)',
        cause: error,
      });
    case '3D000':
      return new PgwardenError('database-missing', `cannot connect to ${target}: ${message}`, {
        hint: 'check the database name at the end of the URL (CREATE DATABASE it first if it is new)',
        cause: error,
      });
    case '53300':
      return new PgwardenError('connection', `cannot connect to ${target}: too many connections`, {
        hint: 'the server reached max_connections; retry later or use a connection pooler',
        cause: error,
      });
    case '57P03':
      return new PgwardenError(
        'connection',
        `cannot connect to ${target}: the server is starting up or shutting down`,
        {
          hint: 'retry in a few seconds',
          cause: error,
        },
      );
    default:
      break;
  }
  if (/timeout/i.test(message)) {
    return new PgwardenError('connection', `cannot connect to ${target}: timed out`, {
      hint: 'the server did not answer; check the host, the port and the network',
      cause: error,
    });
  }
  if (/SSL|TLS|certificate/i.test(message)) {
    return new PgwardenError('connection', `cannot connect to ${target}: ${message}`, {
      hint: 'set sslmode in the URL (for example ?sslmode=disable for a local server, ?sslmode=require for a managed one)',
      cause: error,
    });
  }
  if (/SASL|password must be a string|client password/i.test(message)) {
    return new PgwardenError(
      'authentication',
      `cannot connect to ${target}: the server asks for a password`,
      {
        hint: 'put the password in the URL (after the user name and a colon) or in PGPASSWORD',
        cause: error,
      },
    );
  }
  return new PgwardenError('connection', `cannot connect to ${target}: ${message}`, { cause: error });
}

/** A query that failed while pgwarden was reading or changing a database. */
export function queryError(error: unknown, what: string): PgwardenError {
  const e = (error ?? {}) as PgLikeError;
  const message = e.message ?? String(error);
  if (e.code === '42501') {
    return new PgwardenError('permission', `${what}: ${message}`, {
      hint: 'the role lacks a privilege for this; grant it, or use a role with pg_read_all_stats / pg_monitor',
      cause: error,
    });
  }
  if (e.code === '57014') {
    return new PgwardenError('timeout', `${what}: canceled by statement_timeout`, {
      hint: 'the database was too slow to answer; raise the timeout or retry when it is less busy',
      cause: error,
    });
  }
  if (e.code === '55P03') {
    return new PgwardenError('timeout', `${what}: could not get a lock within lock_timeout`, {
      hint: 'another session holds a conflicting lock; retry later',
      cause: error,
    });
  }
  if (e.code === '25006') {
    return new PgwardenError('server', `${what}: ${message}`, { cause: error });
  }
  return new PgwardenError('server', `${what}: ${message}`, { cause: error });
}
