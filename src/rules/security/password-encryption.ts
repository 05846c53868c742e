import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { alterSystem } from '../../security/sql.js';

export default defineRule<SecurityModel>({
  id: 'security/password-encryption',
  category: 'security',
  model: 'security',
  defaultSeverity: 'warning',
  summary: 'New passwords are stored as MD5 hashes (password_encryption = md5)',
  reportsOn: ['setting'],
  docs: {
    why: 'password_encryption decides how every password set from now on is stored. With md5, each new or changed password gets a hash that can be replayed as it is (see security/md5-password). The default is scram-sha-256 from PostgreSQL 14; clusters upgraded from older versions often keep md5 in postgresql.conf.',
    howToFix:
      "`ALTER SYSTEM SET password_encryption = 'scram-sha-256'` and reload; then set the passwords of the roles that still have MD5 hashes again. Clients need SCRAM support (libpq 10+).",
  },
  check({ model, report }) {
    const value = model.settings.password_encryption;
    if (value?.toLowerCase() !== 'md5') return;
    report({
      message:
        'password_encryption is md5: every password set from now on is stored as a replayable MD5 hash',
      location: { object: 'password_encryption', kind: 'setting' },
      fix: alterSystem('password_encryption', 'scram-sha-256'),
      evidence: { setting: 'password_encryption', value },
    });
  },
});
