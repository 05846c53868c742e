import rule from '../../../src/rules/health/extension-outdated.js';
import { healthFacts } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [{ name: 'every extension at its default version', model: healthFacts() }],
  invalid: [
    {
      name: 'hstore 1.4 with files up to 1.8',
      model: healthFacts({
        outdatedExtensions: [
          { name: 'hstore', schema: 'public', installed: '1.4', available: '1.8', updatable: true },
        ],
      }),
      findings: [
        {
          object: 'extension hstore',
          severity: 'warning',
          fix: 'ALTER EXTENSION hstore UPDATE;',
          message: "extension hstore is installed at version 1.4; the server's files default to 1.8",
        },
      ],
    },
    {
      name: 'no update path in the files: information, no fix',
      model: healthFacts({
        outdatedExtensions: [
          { name: 'postgis', schema: 'public', installed: '3.5.0', available: '3.4.2', updatable: false },
        ],
      }),
      findings: [{ severity: 'info', fix: null, message: /hold no update path from 3.5.0/ }],
    },
  ],
});
