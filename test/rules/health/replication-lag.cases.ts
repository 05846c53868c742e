import type { Standby } from '../../../src/health/model.js';
import rule from '../../../src/rules/health/replication-lag.js';
import { healthFacts } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

const MB = 1024 ** 2;
const standby = (overrides: Partial<Standby>): Standby => ({
  application: 'replica1',
  client: '10.0.0.7',
  state: 'streaming',
  xminAge: null,
  syncState: 'async',
  writeLagSeconds: 0.001,
  flushLagSeconds: 0.002,
  replayLagSeconds: 0.003,
  writeLagBytes: 0,
  flushLagBytes: 0,
  replayLagBytes: 8192,
  ...overrides,
});

export default defineCases(rule, {
  valid: [
    { name: 'a standby in step', model: healthFacts({ standbys: [standby({})] }) },
    {
      name: 'caught up on an idle primary: the lags are null',
      model: healthFacts({
        standbys: [
          standby({
            writeLagSeconds: null,
            flushLagSeconds: null,
            replayLagSeconds: null,
            replayLagBytes: 0,
          }),
        ],
      }),
    },
  ],
  invalid: [
    {
      name: 'replay 200 MB behind, received but not replayed',
      model: healthFacts({
        standbys: [
          standby({
            replayLagBytes: 200 * MB,
            flushLagBytes: 1 * MB,
            writeLagBytes: 0,
            replayLagSeconds: 45,
          }),
        ],
      }),
      findings: [
        {
          object: 'standby replica1',
          severity: 'warning',
          message:
            /is 200 MB of WAL behind in replay and replays 45 s late; most of it received but not replayed/,
        },
      ],
    },
    {
      name: '15 minutes behind, not yet written: the network',
      model: healthFacts({
        standbys: [
          standby({
            replayLagSeconds: 900,
            writeLagBytes: 10 * MB,
            flushLagBytes: 10 * MB,
            replayLagBytes: 10 * MB,
          }),
        ],
      }),
      findings: [{ severity: 'error', message: /not yet written on the standby/ }],
    },
  ],
});
