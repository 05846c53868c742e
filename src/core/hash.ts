import { createRequire } from 'node:module';

let crypto: typeof import('node:crypto') | undefined;

/**
 * node:crypto's createHash, loaded on the first hash: node:crypto brings a dozen of Node's own modules, and the
 * modules that hash (rules among them) are loaded by commands that never hash, such as a one-file lint.
 */
export function createHash(algorithm: string): import('node:crypto').Hash {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return crypto.createHash(algorithm);
}
