import rule from '../../../src/rules/migration/drop-schema.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [{ sql: 'CREATE SCHEMA reporting;' }],
  invalid: [
    { sql: 'DROP SCHEMA reporting CASCADE;', findings: [{ severity: 'error' }] },
    { sql: 'DROP SCHEMA reporting;', findings: [{ severity: 'warning' }] },
  ],
});
