import rule from '../../../src/rules/migration/drop-database.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [{ sql: 'SELECT 1;' }],
  invalid: [{ sql: 'DROP DATABASE analytics;', noTransaction: true }],
});
