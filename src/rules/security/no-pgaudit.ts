import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { literalSql } from '../../security/sql.js';

export default defineRule<SecurityModel>({
  id: 'security/no-pgaudit',
  category: 'security',
  model: 'security',
  defaultSeverity: 'info',
  summary: 'pgaudit is not loaded (shared_preload_libraries)',
  reportsOn: ['setting'],
  requires: { privileges: ['pg_read_all_settings'] },
  docs: {
    why: 'PostgreSQL logs statements, but not in a form an auditor can rely on: log_statement misses what functions and DO blocks run, and says nothing about which objects were read. pgaudit logs sessions and objects by class (read, write, ddl, role …) and is what compliance regimes (CIS, PCI DSS, SOC 2) expect. It must be preloaded. Reading shared_preload_libraries needs pg_read_all_settings.',
    howToFix:
      "Install the package (postgresql-NN-pgaudit), add pgaudit to shared_preload_libraries and restart, then CREATE EXTENSION pgaudit and set what to log: ALTER SYSTEM SET pgaudit.log = 'ddl, role, write'. Restarting with pgaudit in shared_preload_libraries but not installed stops the server from starting.",
  },
  check({ model, report }) {
    const value = model.settings.shared_preload_libraries;
    if (value === undefined) return;
    const libraries = value
      .split(',')
      .map((l) => l.trim().replace(/^"|"$/g, ''))
      .filter((l) => l !== '');
    if (libraries.includes('pgaudit')) return;
    report({
      message: `pgaudit is not in shared_preload_libraries (${libraries.length > 0 ? libraries.join(', ') : 'empty'}): there is no audit log of who read or changed what`,
      location: { object: 'shared_preload_libraries', kind: 'setting' },
      // one literal per library: a single 'a,b' literal would name one library called "a,b", and the server would not start
      fix: [
        '-- install the pgaudit package first (the server does not start without it); takes effect at the next restart;',
        '-- then CREATE EXTENSION pgaudit and set pgaudit.log',
        `ALTER SYSTEM SET shared_preload_libraries = ${[...libraries, 'pgaudit'].map((l) => literalSql(l)).join(', ')};`,
      ].join('\n'),
      evidence: { shared_preload_libraries: value },
    });
  },
});
