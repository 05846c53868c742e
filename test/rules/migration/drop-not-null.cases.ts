import rule from '../../../src/rules/migration/drop-not-null.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [{ sql: 'ALTER TABLE orders ALTER COLUMN user_id SET DEFAULT 0;', before: EXISTING_TABLES }],
  invalid: [{ sql: 'ALTER TABLE orders ALTER COLUMN user_id DROP NOT NULL;', before: EXISTING_TABLES }],
});
