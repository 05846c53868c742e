import rule from '../../../src/rules/health/temp-files.js';
import { healthFacts } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'no temp files', model: healthFacts() },
    {
      name: '100 MB in 35 days',
      model: healthFacts({
        activity: { ...healthFacts().activity, tempFiles: 10, tempBytes: 100 * 1024 ** 2 },
      }),
    },
  ],
  invalid: [
    {
      name: '350 GB in 35 days',
      model: healthFacts({
        activity: { ...healthFacts().activity, tempFiles: 5000, tempBytes: 350 * 1024 ** 3 },
      }),
      findings: [
        {
          object: 'shop',
          severity: 'info',
          message: /5,000 temporary files, 350 GB \(10 GB a day\).*log_temp_files = 0/,
        },
      ],
    },
  ],
});
