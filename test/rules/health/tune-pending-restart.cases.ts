import rule from '../../../src/rules/health/tune-pending-restart.js';
import { tuneModel } from '../../health/tune/fixtures.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [{ name: 'nothing waits for a restart', model: tuneModel() }],
  invalid: [
    {
      name: 'shared_buffers changed and reloaded, not restarted',
      model: tuneModel({ pending: ['shared_buffers'] }),
      findings: [
        { object: 'shared_buffers', message: /^shared_buffers was changed and waits for a restart/ },
      ],
    },
  ],
});
