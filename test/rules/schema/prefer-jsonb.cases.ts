import rule from '../../../src/rules/schema/prefer-jsonb.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { sql: 'CREATE TABLE t (payload jsonb);' },
    { name: 'a live jsonb column', setup: 'CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb);' },
  ],
  invalid: [
    { sql: 'CREATE TABLE t (payload json);', findings: [{ fix: 'payload jsonb' }] },
    {
      name: 'a live column with rows and a json default',
      setup: `CREATE TABLE events (id bigint PRIMARY KEY, payload json NOT NULL DEFAULT '{}'::json);
        INSERT INTO events SELECT g, json_build_object('n', g, 'tags', json_build_array('a', 'b')) FROM generate_series(1, 100) g;`,
      findings: [
        {
          object: 'public.events.payload',
          fix: /ALTER TABLE public\.events ALTER COLUMN payload TYPE jsonb USING payload::jsonb;/,
        },
      ],
    },
  ],
});
