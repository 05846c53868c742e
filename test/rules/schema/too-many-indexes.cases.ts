import rule from '../../../src/rules/schema/too-many-indexes.js';
import { defineCases } from '../../helpers/rule-tester.js';

/** A table `name` with `count` indexes (its primary key and count - 1 others). */
const indexed = (name: string, count: number) => {
  const columns = Array.from({ length: count - 1 }, (_, i) => `c${i + 1}`);
  return [
    `CREATE TABLE ${name} (id bigint PRIMARY KEY, ${columns.map((c) => `${c} int`).join(', ')});`,
    ...columns.map((c) => `CREATE INDEX idx_${name}_${c} ON ${name} (${c});`),
  ].join('\n');
};
const rows = (name: string, count: number) => `INSERT INTO ${name} (id) SELECT generate_series(1, ${count});`;

export default defineCases(rule, {
  valid: [
    { name: 'ten indexes', setup: `${indexed('events', 10)}\n${rows('events', 5000)}` },
    {
      name: 'fifteen indexes on a shadow schema (no statistics: only far above the limit)',
      source: 'shadow',
      setup: indexed('events', 15),
    },
  ],
  invalid: [
    {
      name: 'a write-heavy table with eleven indexes',
      setup: `${indexed('events', 11)}\n${rows('events', 5000)}\nSELECT pg_stat_force_next_flush();`,
      findings: [
        {
          object: 'public.events',
          severity: 'warning',
          message:
            /^public\.events has 11 indexes, .+ of indexes for .+ of table, and is mostly written: 5,000 rows written \(\d+% of activity\) against \d+ scans/,
          fix: null,
        },
      ],
    },
    {
      name: 'a read-mostly table with eleven indexes: information',
      setup: `${indexed('lookups', 11)}\n${rows('lookups', 50)}
        DO $$ BEGIN FOR i IN 1..300 LOOP PERFORM count(*) FROM lookups; END LOOP; END $$;
        SELECT pg_stat_force_next_flush();`,
      findings: [{ severity: 'info', message: /is read more than written/ }],
    },
    {
      name: 'twenty-one indexes on a shadow schema',
      source: 'shadow',
      setup: indexed('events', 21),
      findings: [{ severity: 'info', message: /^public\.events has 21 indexes \(more than twice 10\)/ }],
    },
  ],
});
