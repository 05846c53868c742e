import rule from '../../../src/rules/security/untrusted-language.js';
import { defineCases } from '../../helpers/rule-tester.js';

// No untrusted language package is installed: an untrusted language is made from PL/pgSQL's handler.
const handler = `CREATE FUNCTION lang_handler() RETURNS language_handler AS 'plpgsql', 'plpgsql_call_handler' LANGUAGE c`;

export default defineCases(rule, {
  valid: [
    { name: 'only the trusted plpgsql and sql', security: 'SELECT 1' },
    {
      name: 'a trusted language',
      security: `${handler}; CREATE TRUSTED LANGUAGE pltrusted HANDLER lang_handler`,
    },
  ],
  invalid: [
    {
      name: 'an untrusted language nothing uses',
      security: `${handler}; CREATE LANGUAGE plunsafe HANDLER lang_handler`,
      findings: [{ object: 'plunsafe', fix: 'DROP LANGUAGE plunsafe;' }],
    },
    {
      name: 'an untrusted language a function uses: no fix to run',
      security: `${handler}; CREATE LANGUAGE plunsafe HANDLER lang_handler;
        CREATE FUNCTION uses() RETURNS int LANGUAGE plunsafe AS 'BEGIN RETURN 1; END'`,
      findings: [{ object: 'plunsafe', fix: null, message: /1 function uses it/ }],
    },
  ],
});
