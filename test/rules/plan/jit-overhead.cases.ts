import rule from '../../../src/rules/plan/jit-overhead.js';
import { pg15ServiceUrl } from '../../helpers/db.js';
import { defineCases } from '../../helpers/rule-tester.js';

/**
 * The machine's PostgreSQL 15 service: the only server of the test run built with LLVM (the embedded one has no
 * JIT). Where the machine has none, these cases are skipped (in CI they always run).
 */
const pg15 = pg15ServiceUrl;

/** 1,000 orders: a query over them runs in well under a millisecond. */
const SMALL_ORDERS = `
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id int NOT NULL,
  status text NOT NULL,
  amount numeric(10, 2) NOT NULL
);
INSERT INTO orders SELECT g, g % 100, 'status ' || (g % 5), (g % 997) + 0.99 FROM generate_series(1, 1000) g;
`;

const REPORT =
  'SELECT status, count(*), sum(amount * 2), avg(amount) FROM orders WHERE customer_id < 50 GROUP BY status';

/** JIT for every plan, with inlining and optimization: tens of ms of compilation for a sub-millisecond query. */
const ALWAYS_JIT = {
  max_parallel_workers_per_gather: '0',
  jit: 'on',
  jit_above_cost: '0',
  jit_inline_above_cost: '0',
  jit_optimize_above_cost: '0',
};

export default defineCases(rule, {
  valid: [
    {
      name: 'the default jit_above_cost (100,000): a cheap query is not compiled',
      serverUrl: pg15,
      setup: SMALL_ORDERS,
      settings: { max_parallel_workers_per_gather: '0', jit: 'on' },
      explain: REPORT,
    },
    {
      name: 'jit off',
      serverUrl: pg15,
      setup: SMALL_ORDERS,
      settings: { ...ALWAYS_JIT, jit: 'off' },
      explain: REPORT,
    },
    {
      name: 'minMs 60,000: JIT below a minute is not reported',
      serverUrl: pg15,
      setup: SMALL_ORDERS,
      settings: ALWAYS_JIT,
      options: { minMs: 60_000 },
      explain: REPORT,
    },
  ],
  invalid: [
    {
      name: 'JIT with inlining and optimization on a sub-millisecond query',
      serverUrl: pg15,
      setup: SMALL_ORDERS,
      settings: ALWAYS_JIT,
      explain: REPORT,
      findings: [
        {
          // durations from a second on are printed in seconds (a loaded machine compiles slowly)
          message:
            /^JIT compiled \d+ functions in [\d.]+ m?s \(inlining [\d.]+ m?s, optimization [\d.]+ m?s, emission [\d.]+ m?s\): [\d.]+% of the [\d.]+ m?s execution; it ran because the plan's cost \(\d+\) is above jit_above_cost \(0\)$/,
          fix: 'SET jit = off;',
        },
      ],
    },
    {
      // each worker compiles its own copy: the time is summed over the processes, the query waits for one share
      name: 'JIT in a parallel plan: counted per process',
      serverUrl: pg15,
      setup: SMALL_ORDERS,
      settings: {
        ...ALWAYS_JIT,
        max_parallel_workers_per_gather: '2',
        parallel_setup_cost: '0',
        parallel_tuple_cost: '0',
        min_parallel_table_scan_size: '0',
      },
      explain: REPORT,
      findings: [
        {
          // "over 3 processes" when both workers start (they may not on a busy server)
          // durations from a second on are printed in seconds (a loaded machine compiles slowly)
          message:
            /^JIT compiled \d+ functions in [\d.]+ m?s( over [23] processes)? \(inlining [\d.]+ m?s, optimization [\d.]+ m?s, emission [\d.]+ m?s\): [\d.]+% of the [\d.]+ m?s execution/,
          fix: 'SET jit = off;',
        },
      ],
    },
  ],
});
