import rule from '../../../src/rules/migration/irreversible.js';
import { defineCases } from '../../helpers/rule-tester.js';

const INIT =
  '-- migrate:up\nCREATE TABLE orders (id bigint PRIMARY KEY, note text);\n-- migrate:down\nDROP TABLE orders;\n';

export default defineCases(rule, {
  valid: [
    {
      name: 'down undoes up exactly',
      migrations: {
        '20240101000000_init.sql': INIT,
        '20240102000000_status.sql':
          "-- migrate:up\nALTER TABLE orders ADD COLUMN status text DEFAULT 'new';\nCREATE INDEX idx_orders_status ON orders (status);\n-- migrate:down\nDROP INDEX idx_orders_status;\nALTER TABLE orders DROP COLUMN status;\n",
      },
    },
  ],
  invalid: [
    {
      name: 'down forgets the column',
      migrations: {
        '20240101000000_init.sql': INIT,
        '20240102000000_status.sql':
          "-- migrate:up\nALTER TABLE orders ADD COLUMN status text DEFAULT 'new';\nCREATE INDEX idx_orders_status ON orders (status);\n-- migrate:down\nDROP INDEX idx_orders_status;\n",
      },
      findings: [
        {
          line: 4,
          message:
            /20240102000000_status: down does not restore the schema from before up: \+ column:public\.orders\.status/,
        },
      ],
    },
    {
      name: 'a broken migration does not hide the next one',
      migrations: {
        '20240101000000_init.sql': INIT,
        '20240102000000_keep.sql':
          '-- migrate:up\nCREATE TABLE audit (id int);\n-- migrate:down\nSELECT 1;\n',
        '20240103000000_index.sql':
          '-- migrate:up\nCREATE INDEX idx_orders_note ON orders (note);\n-- migrate:down\nSELECT 1;\n',
      },
      findings: [
        { message: /20240102000000_keep.*\+ table:public\.audit/ },
        { message: /20240103000000_index.*\+ index:public\.idx_orders_note/ },
      ],
    },
    {
      name: 'up cannot run again after down',
      migrations: {
        '20240101000000_init.sql': INIT,
        '20240102000000_seq.sql':
          '-- migrate:up\nCREATE SEQUENCE s;\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\nDROP SEQUENCE s;\nCREATE SEQUENCE s;\n',
      },
      findings: [{ message: /not restore|cannot rebuild/ }],
    },
  ],
});
