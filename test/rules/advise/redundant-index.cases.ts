import rule from '../../../src/rules/advise/redundant-index.js';
import { adviceModel, existing, recommended } from '../../helpers/advice-model.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'no existing index on the table', model: adviceModel() },
    {
      name: 'a unique index on the leading column enforces something',
      model: adviceModel({ existing: [existing({ enforces: true })] }),
    },
    {
      name: 'an index on another column',
      model: adviceModel({ existing: [existing({ keys: ['status'] })] }),
    },
    {
      name: 'a partial index',
      model: adviceModel({ existing: [existing({ partial: true })] }),
    },
    {
      name: 'the advised index is partial: it does not serve every query',
      model: adviceModel({
        existing: [existing()],
        recommended: [recommended({ where: "status = 'pending'" })],
      }),
    },
    {
      name: 'INCLUDE columns the advised index lacks',
      model: adviceModel({ existing: [existing({ include: ['total'] })] }),
    },
  ],
  invalid: [
    {
      name: 'an index on the advised index’s leading column',
      model: adviceModel({ existing: [existing()] }),
      findings: [
        {
          object: 'public.orders_customer_id',
          severity: 'warning',
          message:
            'index public.orders_customer_id (2344 kB) is served by the advised index public.orders (customer_id, created_at DESC): drop it once that one is built',
          fix: 'CREATE INDEX CONCURRENTLY idx_orders_customer_id_created_at ON public.orders (customer_id, created_at DESC);\nDROP INDEX CONCURRENTLY public.orders_customer_id;',
        },
      ],
    },
  ],
});
