import { describe, expect, it } from 'vitest';
import { traceConcurrently, traceInTransaction } from '../../src/lint/lock-trace.js';
import { behaviourAt, LOCK_MODEL, type LockModelEntry } from '../../src/locks/model.js';
import { createTestDatabase, everyMajor } from '../helpers/db.js';

/**
 * The lock model is data the linter trusts: every entry with a trace example is run on a real server of every
 * major from 13 to 18, and the locks, rewrites and scans PostgreSQL really did must be what the model says.
 */
const servers = everyMajor();

const traced = LOCK_MODEL.filter(
  (entry): entry is (typeof LOCK_MODEL)[number] & { trace: NonNullable<LockModelEntry['trace']> } =>
    Boolean(entry.trace),
);

describe.each(servers)('lock model on PostgreSQL $major', ({ major, url }) => {
  const cases = traced.filter((entry) => behaviourAt(entry.id, major)?.transactionBlock);
  it.each(cases.map((entry) => [entry.id, entry] as const))('%s', async (_id, entry) => {
    const behaviour = behaviourAt(entry.id, major)!;
    const db = await createTestDatabase(url());
    try {
      const connection = await db.connect();
      await connection.query(entry.trace.setup);
      await connection.query('BEGIN');
      const observed = await traceInTransaction(connection, entry.trace.statement);
      await connection.query('ROLLBACK');
      expect(observed.error).toBeNull();
      const actual: Record<string, string | undefined> = {};
      const expected: Record<string, string> = {};
      for (const { role, mode } of behaviour.locks) {
        const relation = `public.${entry.trace.roles[role]}`;
        expected[role] = mode;
        actual[role] = observed.locks.find((lock) => lock.relation === relation)?.mode;
      }
      expect(actual, `locks of ${entry.trace.statement}`).toEqual(expected);
      const main =
        entry.id === 'reindex'
          ? entry.trace.roles.index
          : (entry.trace.roles.table ?? entry.trace.roles.index);
      if (main) {
        expect(observed.rewritten.includes(`public.${main}`), `rewrite by ${entry.trace.statement}`).toBe(
          behaviour.rewrite,
        );
      }
      for (const role of ['table', 'partition'] as const) {
        const relation = entry.trace.roles[role];
        if (!relation || entry.trace.scansComparable === false) continue;
        expect(
          observed.scanned.includes(`public.${relation}`),
          `${role} read whole by ${entry.trace.statement}`,
        ).toBe(behaviour.scans.includes(role));
      }
    } finally {
      await db.drop();
    }
  });
});

describe.each(servers)('lock model of CONCURRENTLY statements on PostgreSQL $major', ({ major, url }) => {
  const cases = traced.filter((entry) => {
    const behaviour = behaviourAt(entry.id, major);
    return behaviour !== undefined && !behaviour.transactionBlock;
  });
  it.each(cases.map((entry) => [entry.id, entry] as const))('%s', async (_id, entry) => {
    const behaviour = behaviourAt(entry.id, major)!;
    const db = await createTestDatabase(url());
    try {
      const [worker, observer, blocker] = [await db.connect(), await db.connect(), await db.connect()];
      await worker.query(entry.trace.setup);
      const inTransaction = await worker.query(`BEGIN; ${entry.trace.statement}`).then(
        () => null,
        (error: Error) => error.message,
      );
      await worker.query('ROLLBACK');
      expect(inTransaction, 'it must refuse to run in a transaction block').toMatch(
        /cannot run inside a transaction block|cannot be executed within a pipeline/,
      );
      const touched = Object.values(entry.trace.roles).map((name) => `public.${name}`);
      // while it runs, the application keeps reading and writing (a fourth session, with a short lock_timeout)
      const application = await db.connect();
      await application.query(`SET lock_timeout = '2s'`);
      const probe = async () => {
        const table = `public.${entry.trace.roles.partition ?? entry.trace.roles.table}`;
        await application.query(`SELECT count(*) FROM ${table}`);
        await application.query(`UPDATE ${table} SET id = id WHERE id = 1`);
      };
      const observed = await traceConcurrently(
        worker,
        observer,
        blocker,
        entry.trace.statement,
        touched,
        probe,
      );
      expect(observed.error).toBeNull();
      expect(observed.probe, 'reads and writes while it runs').toBe('ok');
      if (entry.trace.locksVisible === false) return;
      const actual: Record<string, string | undefined> = {};
      const expected: Record<string, string> = {};
      for (const { role, mode } of behaviour.locks) {
        expected[role] = mode;
        actual[role] = observed.locks.find(
          (lock) => lock.relation === `public.${entry.trace.roles[role]}`,
        )?.mode;
      }
      expect(actual, `locks of ${entry.trace.statement}`).toEqual(expected);
    } finally {
      await db.drop();
    }
  });
});
