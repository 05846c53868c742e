import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * A server test names what reaches the server: the run's servers and test databases (test/helpers/db.ts), the rule
 * tester, the built CLI (which starts a server, and needs `npm run build`), or a server or connection of its own.
 * Every other test file is a unit test: `npm run test:unit` runs those, without the global setup.
 */
const NEEDS_SERVER =
  /\b(?:useTestDatabase|createTestDatabase|pg18Url|pg15ServiceUrl|guardServerUrl|useEmbeddedServer|everyMajor|runCases|evaluateCase|runCli|runCliAsync|cliPath|EmbeddedServer|openTarget|startTestCluster|startMcpClient|useMcpClients|Connection\.open)\b/;

const testFiles = (readdirSync('test', { recursive: true, encoding: 'utf8' }) as string[])
  .map((file) => join('test', file).split('\\').join('/'))
  .filter((file) => file.endsWith('.test.ts'))
  .sort();
const serverFiles = testFiles.filter((file) => NEEDS_SERVER.test(readFileSync(file, 'utf8')));
const unitFiles = testFiles.filter((file) => !serverFiles.includes(file));

export default defineConfig({
  test: {
    pool: 'forks',
    // A server test spends much of its time waiting on PostgreSQL or on a CLI process: three test files at a time
    // keep a 2-core machine busy (vitest's default there is one at a time), 1.5 per core elsewhere.
    maxWorkers: Math.round(availableParallelism() * 1.5),
    // generous: a test that waits does so for a state, with its own deadline; this only catches a hung test, and a
    // loaded machine runs the CLI-heavy tests several times slower
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      // `npm run test:unit`: no server and no build, in seconds
      { extends: true, test: { name: 'unit', include: unitFiles } },
      // the servers are started, or found, once for the whole run (test/helpers/global-setup.ts)
      {
        extends: true,
        test: { name: 'server', include: serverFiles, globalSetup: ['test/helpers/global-setup.ts'] },
      },
    ],
  },
});
