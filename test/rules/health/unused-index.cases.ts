import rule from '../../../src/rules/health/unused-index.js';
import { healthFacts, index } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'scanned indexes', model: healthFacts({ indexes: [index({})] }) },
    {
      name: 'statistics reset two days ago',
      model: healthFacts({
        indexes: [index({ scans: 0 })],
        activity: { ...healthFacts().activity, statsDays: 2 },
      }),
    },
    {
      name: 'unique, and serving a foreign key',
      model: healthFacts({
        indexes: [
          index({ scans: 0, unique: true }),
          index({ name: 'public.fk', scans: 0, servesForeignKey: true }),
        ],
      }),
    },
  ],
  invalid: [
    {
      name: 'never scanned in 35 days, 20 MB',
      model: healthFacts({ indexes: [index({ scans: 0 })] }),
      findings: [
        {
          object: 'public.orders_customer_id_idx',
          severity: 'warning',
          fix: 'DROP INDEX CONCURRENTLY public.orders_customer_id_idx;',
          message: /no scan in 35 days of statistics \(since 2026-11-01\)/,
        },
      ],
    },
    {
      name: 'a small one: info',
      model: healthFacts({ indexes: [index({ scans: 0, sizeBytes: 16_384 })] }),
      findings: [{ severity: 'info' }],
    },
  ],
});
