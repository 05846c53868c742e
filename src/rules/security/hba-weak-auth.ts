import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { isLoopbackAddress } from '../../security/sql.js';

const WEAK: Readonly<Record<string, { why: string; severity: 'error' | 'warning' }>> = {
  trust: {
    why: 'lets anyone who reaches the server log in as any role it names, without a password',
    severity: 'error',
  },
  password: { why: 'sends the password in the clear', severity: 'warning' },
  md5: { why: 'accepts replayable MD5 password hashes', severity: 'warning' },
};

export default defineRule<SecurityModel>({
  id: 'security/hba-weak-auth',
  category: 'security',
  model: 'security',
  defaultSeverity: 'warning',
  summary: 'pg_hba.conf lets network clients in with trust, password or md5',
  reportsOn: ['setting'],
  requires: { privileges: ['superuser'] },
  docs: {
    why: '`trust` on a host line lets anyone who can reach the port log in as any role — postgres included — without a password. `password` sends the password in the clear (on a host or hostnossl line, without TLS). `md5` accepts MD5 hashes, which can be replayed (with SCRAM-hashed passwords it does SCRAM, but it still lets an MD5 hash in). Lines for the loopback address are left out, and Unix-socket (local) lines too: they are not the network. Reading pg_hba_file_rules needs a superuser (or a role granted SELECT on it).',
    howToFix:
      'Change the method of the line to scram-sha-256 (cert for machines with certificates), use hostssl instead of host, and narrow the address to the clients that need it; then reload (SELECT pg_reload_conf()) and check pg_hba_file_rules for errors.',
  },
  check({ model, report }) {
    for (const rule of model.hba ?? []) {
      if (rule.error !== null || !rule.type.startsWith('host') || rule.method === null) continue;
      const weak = WEAK[rule.method];
      if (!weak || (rule.method === 'password' && rule.type === 'hostssl')) continue;
      if (isLoopbackAddress(rule.address, rule.netmask)) continue;
      const where = `${rule.file ?? 'pg_hba.conf'}:${rule.line}`;
      const address = rule.netmask ? `${rule.address}/${rule.netmask}` : (rule.address ?? 'any address');
      report({
        message: `${where}: ${rule.type} ${rule.databases.join(',')} ${rule.users.join(',')} ${address} ${rule.method} ${weak.why}; use scram-sha-256 (hostssl) and the narrowest address`,
        location: { object: `pg_hba.conf:${rule.line}`, kind: 'setting' },
        severity: weak.severity,
        fix: null,
        evidence: {
          file: rule.file,
          line: rule.line,
          type: rule.type,
          databases: rule.databases,
          users: rule.users,
          address: rule.address,
          netmask: rule.netmask,
          method: rule.method,
        },
      });
    }
  },
});
