import type { HealthFacts } from '../../../src/health/model.js';
import rule from '../../../src/rules/health/autovacuum-saturated.js';
import { healthFacts, session, table } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

const worker = (pid: number, name: string) =>
  session({
    pid,
    backendType: 'autovacuum worker',
    user: null,
    application: null,
    client: null,
    query: `autovacuum: VACUUM ${name}`,
    xactSeconds: 5400,
  });
const base = healthFacts();
const settings = {
  ...base.server.settings,
  autovacuum_max_workers: '3',
  autovacuum_vacuum_cost_limit: '-1',
  vacuum_cost_limit: '200',
};
const facts = (overrides: Partial<HealthFacts>): HealthFacts =>
  healthFacts({ server: { ...base.server, settings }, ...overrides });
const busy = [worker(301, 'public.events'), worker(302, 'public.logs'), worker(303, 'public.audit')];
const waiting = table({
  name: 'public.orders',
  deadTuples: 90_000,
  vacuumThreshold: 20_050,
  lastVacuumSeconds: 7200,
});

export default defineCases(rule, {
  valid: [
    { name: 'two of three workers busy', model: facts({ sessions: busy.slice(0, 2), tables: [waiting] }) },
    { name: 'all busy, but no table waits', model: facts({ sessions: busy, tables: [table({})] }) },
  ],
  invalid: [
    {
      name: 'three of three busy for 1.5 h while public.orders waits',
      model: facts({ sessions: busy, tables: [waiting] }),
      findings: [
        {
          object: 'shop',
          severity: 'warning',
          message:
            /all 3 autovacuum workers are busy \(VACUUM public.events for 90 min; .*\) while 1 table\(s\) wait over their threshold: public.orders \(90,000 dead rows\); the workers share a cost limit of 200/,
          fix: "ALTER SYSTEM SET autovacuum_vacuum_cost_limit = '1000';\nSELECT pg_reload_conf();",
        },
      ],
    },
  ],
});
