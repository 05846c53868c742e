import rule from '../../../src/rules/migration/applied-file-changed.js';
import { defineCases } from '../../helpers/rule-tester.js';

const INIT = '-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n';

export default defineCases(rule, {
  valid: [
    { name: 'the file as applied', applied: { '20240101000000_a.sql': INIT } },
    {
      name: 'line endings alone changed',
      applied: { '20240101000000_a.sql': INIT },
      afterwards: { '20240101000000_a.sql': INIT.replace(/\n/g, '\r\n') },
    },
  ],
  invalid: [
    {
      name: 'a column type edited after it was applied',
      applied: { '20240101000000_a.sql': INIT },
      afterwards: { '20240101000000_a.sql': INIT.replace('id int', 'id bigint') },
      findings: [{ line: 1, message: /20240101000000_a changed since it was applied/ }],
    },
  ],
});
