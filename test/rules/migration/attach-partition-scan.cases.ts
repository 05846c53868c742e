import rule from '../../../src/rules/migration/attach-partition-scan.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      sql: "ALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');",
      name: 'a validated CHECK implies the bound',
      before:
        "CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);\nCREATE TABLE events_2026 (id int, at date);\nALTER TABLE events_2026 ADD CONSTRAINT chk_events_2026_bound CHECK (at >= '2026-01-01' AND at < '2027-01-01');",
    },
    {
      sql: "CREATE TABLE events_2026 (id int, at date);\nALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');",
      name: 'a partition created in the same migration',
      before: 'CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);',
    },
  ],
  invalid: [
    {
      sql: "ALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');",
      before:
        'CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);\nCREATE TABLE events_2026 (id int, at date);',
      findings: [{ message: /scans "events_2026"/ }],
    },
  ],
});
