import rule from '../../../src/rules/sql/identifier-too-long.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [{ sql: 'CREATE TABLE orders (id bigint);' }],
  invalid: [
    {
      sql: 'CREATE TABLE a_very_long_table_name_that_goes_on_and_on_beyond_the_limit_of_sixty_three (id int);',
      findings: [{ message: /is 74 bytes; PostgreSQL truncates it to 63/ }],
    },
  ],
});
