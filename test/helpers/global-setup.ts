import type { TestProject } from 'vitest/node';
import { EmbeddedServer } from '../../src/db/embedded/server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the embedded PostgreSQL 18 shared by the whole run. */
    pg18Url: string;
  }
}

/** One embedded PostgreSQL 18 for the whole run; each test creates its own database on it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await EmbeddedServer.start({
    log: (message) => process.stderr.write(`[embedded] ${message}\n`),
  });
  project.provide('pg18Url', server.url);
  return () => server.stop();
}
