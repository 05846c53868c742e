import rule from '../../../src/rules/plan/hash-spill.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EVENTS } from './data.js';

const SERIAL = { max_parallel_workers_per_gather: '0' };

/** A hash join on an unindexed text column: the Hash holds all 200,000 rows of the inner side. */
const SELF_JOIN = 'SELECT e.id, f.id FROM events e JOIN events f ON f.payload = e.payload';
/** 200,000 groups: with enable_sort off the planner hashes them. */
const GROUP_BY_PAYLOAD = 'SELECT payload, count(*) FROM events GROUP BY payload';

export default defineCases(rule, {
  valid: [
    {
      name: 'the hash table fits in hash memory (work_mem 64MB × 2)',
      setup: EVENTS,
      settings: { ...SERIAL, work_mem: '64MB' },
      explain: SELF_JOIN,
    },
    {
      // the finding below suggests 16MB: hash memory 32MB, for a hash table of about 16MB in one batch
      name: 'the hash join at the work_mem the finding suggests (16MB)',
      setup: EVENTS,
      settings: { ...SERIAL, work_mem: '16MB' },
      explain: SELF_JOIN,
    },
    {
      name: 'the hash aggregate fits in hash memory (work_mem 64MB × 2)',
      setup: EVENTS,
      settings: { ...SERIAL, work_mem: '64MB', enable_sort: 'off' },
      explain: GROUP_BY_PAYLOAD,
    },
    {
      name: 'plan only: no batches to judge',
      setup: EVENTS,
      settings: { ...SERIAL, work_mem: '64kB' },
      explain: SELF_JOIN,
      noAnalyze: true,
    },
  ],
  invalid: [
    {
      name: 'a hash join in batches at work_mem 64kB',
      setup: EVENTS,
      settings: { ...SERIAL, work_mem: '64kB' },
      explain: SELF_JOIN,
      findings: [
        {
          message:
            /^Hash \(node 3\) built its hash table of 200,000 rows in \d+ batches: hash memory is work_mem \(64kB\) × hash_mem_multiplier \(2\); work_mem = \d+MB keeps it in memory$/,
          fix: /^SET work_mem = '\d+MB';$/,
        },
      ],
    },
    {
      name: 'a hash aggregate spilled to disk at work_mem 64kB',
      setup: EVENTS,
      settings: { ...SERIAL, work_mem: '64kB', enable_sort: 'off' },
      explain: GROUP_BY_PAYLOAD,
      findings: [
        {
          message:
            /^HashAggregate \(node 1\) spilled its groups to disk \([\d,]+ batches, [\d,]+ kB\): hash memory is work_mem \(64kB\) × hash_mem_multiplier \(2\); work_mem = \d+MB keeps it in memory$/,
          fix: /^SET work_mem = '\d+MB';$/,
        },
      ],
    },
    {
      name: 'hash_mem_multiplier 1 (the default before PostgreSQL 15) at work_mem 1MB',
      setup: EVENTS,
      settings: { ...SERIAL, work_mem: '1MB', hash_mem_multiplier: '1' },
      explain: SELF_JOIN,
      findings: [
        {
          message:
            /^Hash \(node 3\) built its hash table of 200,000 rows in \d+ batches: hash memory is work_mem \(1MB\) × hash_mem_multiplier \(1\); work_mem = \d+MB keeps it in memory$/,
          fix: /^SET work_mem = '\d+MB';$/,
        },
      ],
    },
  ],
});
