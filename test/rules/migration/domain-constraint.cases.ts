import rule from '../../../src/rules/migration/domain-constraint.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [{ sql: "ALTER DOMAIN email ADD CONSTRAINT email_has_at CHECK (VALUE ~ '@') NOT VALID;" }],
  invalid: [{ sql: "ALTER DOMAIN email ADD CONSTRAINT email_has_at CHECK (VALUE ~ '@');" }],
});
