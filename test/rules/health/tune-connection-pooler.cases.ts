import rule from '../../../src/rules/health/tune-connection-pooler.js';
import { tuneModel } from '../../health/tune/fixtures.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'a few connections', model: tuneModel() },
    {
      name: 'many connections, mostly busy',
      model: tuneModel({ workload: { connections: { active: 120, idle: 30 } } }),
    },
  ],
  invalid: [
    {
      name: '180 of 200 connections idle',
      model: tuneModel({ workload: { connections: { active: 15, idle: 180, 'idle in transaction': 5 } } }),
      findings: [
        { object: 'max_connections', message: /^180 of 200 client connections are idle/, fix: null },
      ],
    },
  ],
});
