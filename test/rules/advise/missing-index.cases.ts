import rule from '../../../src/rules/advise/missing-index.js';
import { adviceModel, recommended } from '../../helpers/advice-model.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'nothing advised', model: adviceModel({ recommended: [] }) },
    {
      name: 'an advised index saving under 1% of the workload',
      model: adviceModel({ recommended: [recommended({ saving: 500, share: 0.004 })] }),
    },
    {
      name: 'under a higher threshold',
      model: adviceModel({ recommended: [recommended({ share: 0.03 })] }),
      options: { minShare: 0.05 },
    },
  ],
  invalid: [
    {
      name: 'an index HypoPG proved: a warning with its CREATE INDEX CONCURRENTLY',
      model: adviceModel(),
      findings: [
        {
          object: 'public.orders',
          severity: 'warning',
          message:
            'index public.orders (customer_id, created_at DESC) would save 30.0% of the planner cost of workload.sql (used by q2, q7), about 2544 kB',
          fix: 'CREATE INDEX CONCURRENTLY idx_orders_customer_id_created_at ON public.orders (customer_id, created_at DESC);',
        },
      ],
    },
    {
      name: 'advice without HypoPG: information only, said to be unproven',
      model: adviceModel({
        method: 'heuristic',
        recommended: [recommended({ sizeBytes: null, saving: null, share: null, usedBy: [] })],
      }),
      findings: [{ severity: 'info', message: /by heuristics only \(unproven: HypoPG is not installed\)$/ }],
    },
  ],
});
