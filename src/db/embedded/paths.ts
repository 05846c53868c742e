import envPaths from 'env-paths';

/** pgwarden's cache folder: PGWARDEN_CACHE_DIR, else the platform's user cache folder. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.PGWARDEN_CACHE_DIR?.trim();
  if (explicit) return explicit;
  return envPaths('pgwarden', { suffix: '' }).cache;
}

/** Where root's embedded server data goes when root's own cache folder is closed to the server's user. */
export const SYSTEM_CACHE_DIR = '/var/cache/pgwarden';
