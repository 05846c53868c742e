import rule from '../../../src/rules/migration/enum-add-value.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      sql: "ALTER TYPE run_status ADD VALUE 'backoff';\nALTER TYPE step_status ADD VALUE 'backoff';\nCREATE TYPE job_status AS ENUM ('queued', 'backoff');",
      name: 'the same label added to two enum types, and declared in a third, in one transaction',
      before: "CREATE TYPE run_status AS ENUM ('queued');\nCREATE TYPE step_status AS ENUM ('queued');",
    },
    { sql: "ALTER TYPE mood ADD VALUE 'happy';", name: 'in a transaction from 12', pgVersion: 12 },
    {
      sql: "ALTER TYPE mood ADD VALUE 'happy';",
      name: 'outside a transaction on 11',
      pgVersion: 11,
      noTransaction: true,
    },
    {
      sql: "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';",
      name: 'RENAME VALUE is not ADD VALUE',
      pgVersion: 11,
    },
  ],
  invalid: [
    {
      sql: "ALTER TYPE mood ADD VALUE 'happy';",
      name: 'in a transaction on 11',
      pgVersion: 11,
      findings: [{ message: /cannot run inside a transaction block on PostgreSQL 11/ }],
    },
    {
      sql: "ALTER TYPE mood ADD VALUE 'happy';\nUPDATE people SET mood = 'happy' WHERE id = 1;",
      name: 'used before the commit',
      findings: [{ line: 2, message: /unsafe use of new value/ }],
    },
  ],
});
