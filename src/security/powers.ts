import type { SecurityModel } from './model.js';

/** Predefined roles whose members act outside the database or past every privilege, and what each gives. */
export const DANGEROUS_PREDEFINED: Readonly<
  Record<string, { gives: string; severity: 'error' | 'warning' }>
> = {
  pg_execute_server_program: {
    gives: 'run any program on the database server as the account PostgreSQL runs as (COPY … TO PROGRAM)',
    severity: 'error',
  },
  pg_write_server_files: {
    gives: 'write any file the server account can write (COPY … TO a file), postgresql.conf included',
    severity: 'error',
  },
  pg_read_server_files: {
    gives: 'read any file the server account can read (COPY … FROM a file, pg_read_file)',
    severity: 'warning',
  },
  pg_write_all_data: {
    gives: 'write every table of every database, whatever its grants say',
    severity: 'warning',
  },
};

export interface Power {
  /** The role that holds the power. */
  readonly role: string;
  readonly gives: string;
  readonly severity: 'error' | 'warning';
}

/** What holding (or SETting ROLE to) `role` gives beyond ordinary privileges; null when nothing. */
export function powerOf(model: SecurityModel, role: string): Power | null {
  const predefined = DANGEROUS_PREDEFINED[role];
  if (predefined) return { role, ...predefined };
  const row = model.role(role);
  if (!row) return null;
  if (row.superuser) return { role, gives: 'become a superuser (SET ROLE)', severity: 'error' };
  if (row.bypassRls)
    return {
      role,
      gives: 'read past every row level security policy (SET ROLE to a BYPASSRLS role)',
      severity: 'warning',
    };
  if (row.createRole)
    return { role, gives: 'create and grant roles (SET ROLE to a CREATEROLE role)', severity: 'warning' };
  return null;
}

/** The powers a role reaches through its memberships, each with the chain that leads to it. */
export function reachedPowers(
  model: SecurityModel,
  role: string,
): { readonly power: Power; readonly chain: readonly string[] }[] {
  const found: { power: Power; chain: readonly string[] }[] = [];
  for (const [reached, chain] of model.reach(role)) {
    const power = powerOf(model, reached);
    if (power) found.push({ power, chain });
  }
  return found.sort((a, b) => a.power.role.localeCompare(b.power.role));
}
