import rule from '../../../src/rules/migration/down-column-order.js';
import { defineCases } from '../../helpers/rule-tester.js';

const INIT =
  '-- migrate:up\nCREATE TABLE orders (id bigint PRIMARY KEY, note text, total numeric);\n-- migrate:down\nDROP TABLE orders;\n';

export default defineCases(rule, {
  valid: [
    {
      migrations: {
        '20240101000000_init.sql': INIT,
        '20240102000000_add.sql':
          '-- migrate:up\nALTER TABLE orders ADD COLUMN extra int;\n-- migrate:down\nALTER TABLE orders DROP COLUMN extra;\n',
      },
    },
  ],
  invalid: [
    {
      name: 'a dropped column comes back last',
      migrations: {
        '20240101000000_init.sql': INIT,
        '20240102000000_drop.sql':
          '-- migrate:up\nALTER TABLE orders DROP COLUMN note;\n-- migrate:down\nALTER TABLE orders ADD COLUMN note text;\n',
      },
      findings: [{ severity: 'info', message: /columns of public\.orders are in another order/ }],
    },
  ],
});
