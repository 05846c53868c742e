import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';

export default defineRule<SecurityModel>({
  id: 'security/md5-password',
  category: 'security',
  model: 'security',
  defaultSeverity: 'warning',
  summary: 'A login role whose password is stored as an MD5 hash',
  reportsOn: ['role'],
  requires: { privileges: ['superuser'] },
  docs: {
    why: 'An MD5 password hash is the MD5 of the password and the role name: whoever reads it (a backup of pg_authid, a dump with --roles, a replica) can log in with it as it is (pass-the-hash), and it falls to a brute-force search quickly. SCRAM-SHA-256 (PostgreSQL 10+, the default from 14) stores a salted, iterated hash that cannot be replayed. PostgreSQL 18 warns when an MD5 password is set, and MD5 support is deprecated. Reading the hashes needs a superuser (pg_authid): pgwarden reads only their kind, never the hash.',
    howToFix:
      "Set `password_encryption = 'scram-sha-256'`, then set the role's password again (psql's `\\password name`, or `ALTER ROLE name PASSWORD '…'` from a client that encrypts it). Once no role has an MD5 hash, change `md5` to `scram-sha-256` in pg_hba.conf. The client libraries must support SCRAM (libpq 10+, every maintained driver).",
  },
  check({ model, report }) {
    for (const role of model.roles) {
      if (!role.login || model.password(role.name) !== 'md5') continue;
      report({
        message: `role ${role.name} has an MD5 password hash: it can be replayed as it is by whoever reads it; set its password again with password_encryption = scram-sha-256 (psql: \\password ${role.name})`,
        location: { object: role.name, kind: 'role' },
        fix: null,
        evidence: { role: role.name, passwordKind: 'md5' },
      });
    }
  },
});
