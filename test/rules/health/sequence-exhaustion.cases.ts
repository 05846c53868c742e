import rule from '../../../src/rules/health/sequence-exhaustion.js';
import { healthFacts, sequence } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'a young sequence', model: healthFacts({ sequences: [sequence({})] }) },
    {
      name: 'a cycling sequence at its end',
      model: healthFacts({
        sequences: [
          sequence({ cycle: true, lastValue: 99, max: 100, effectiveMax: 100, used: 0.99, column: null }),
        ],
      }),
    },
    {
      name: 'a sequence the role may not read',
      model: healthFacts({ sequences: [sequence({ lastValue: null, used: null })] }),
    },
  ],
  invalid: [
    {
      name: 'a sequence at 96 of MAXVALUE 100',
      model: healthFacts({
        sequences: [
          sequence({
            name: 'public.ticket_seq',
            dataType: 'bigint',
            lastValue: 96,
            max: 100,
            effectiveMax: 100,
            used: 95 / 99,
            column: null,
          }),
        ],
      }),
      findings: [
        {
          object: 'public.ticket_seq',
          severity: 'error',
          fix: 'ALTER SEQUENCE public.ticket_seq NO MAXVALUE;',
          message: /96% .*4 values left/,
        },
      ],
    },
    {
      name: 'a bigint sequence feeding an integer key at 80%',
      model: healthFacts({
        sequences: [
          sequence({
            dataType: 'bigint',
            max: 2 ** 63,
            lastValue: 1_717_986_918,
            used: 0.8,
          }),
        ],
      }),
      findings: [
        {
          severity: 'warning',
          fix: 'ALTER TABLE public.orders ALTER COLUMN id TYPE bigint;',
          message: /integer column public.orders.id's maximum/,
        },
      ],
    },
    {
      name: 'sampled: 30 days left at the observed rate',
      model: healthFacts({ sequences: [sequence({ lastValue: 1_000_000_000, used: 0.47, perSecond: 442 })] }),
      findings: [
        {
          severity: 'warning',
          fix: 'ALTER SEQUENCE public.orders_id_seq AS bigint;\nALTER TABLE public.orders ALTER COLUMN id TYPE bigint;',
          message: /days at the sampled rate/,
        },
      ],
    },
  ],
});
