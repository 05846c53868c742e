import rule from '../../../src/rules/security/hba-weak-auth.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'scram over the network; trust on the loopback and the socket; password over hostssl',
      security: 'SELECT 1',
      hba: [
        'host all all 10.0.0.0/8 scram-sha-256',
        'host all all 127.0.0.1/32 trust',
        'hostssl all all 0.0.0.0/0 password',
      ],
    },
    {
      name: 'audited without superuser: pg_hba_file_rules is not read, the rule is skipped',
      security: `CREATE ROLE c_auditor LOGIN PASSWORD 'pw'`,
      hba: ['host all all 0.0.0.0/0 trust'],
      as: 'c_auditor',
    },
  ],
  invalid: [
    {
      name: 'trust and md5 from the network',
      security: 'SELECT 1',
      hba: ['host all all 0.0.0.0/0 trust', 'hostnossl all all 192.168.0.0/16 md5'],
      findings: [
        { severity: 'error', fix: null, message: /host all all 0\.0\.0\.0\/0\.0\.0\.0 trust lets anyone/ },
        { severity: 'warning', fix: null, message: /hostnossl all all 192\.168\.0\.0\/255\.255\.0\.0 md5/ },
      ],
    },
  ],
});
