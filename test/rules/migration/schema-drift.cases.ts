import rule from '../../../src/rules/migration/schema-drift.js';
import { defineCases } from '../../helpers/rule-tester.js';

const A = '-- migrate:up\nCREATE TABLE a (id int, note text);\n-- migrate:down\nDROP TABLE a;\n';

export default defineCases(rule, {
  valid: [
    { name: 'the schema as the migrations left it', applied: { '20240101000000_a.sql': A } },
    {
      name: 'data changes are not drift',
      applied: { '20240101000000_a.sql': A },
      byHand: "INSERT INTO a VALUES (1, 'x'); ANALYZE a",
    },
  ],
  invalid: [
    {
      name: 'an index created by hand',
      applied: { '20240101000000_a.sql': A },
      byHand: 'CREATE INDEX hotfix ON a (note)',
      findings: [
        { object: 'current database', message: /changed outside the migrations.*\+ index:public\.hotfix/ },
      ],
    },
  ],
});
