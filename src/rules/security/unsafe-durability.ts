import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { alterSystem, isOff } from '../../security/sql.js';

const WHAT: Readonly<Record<string, string>> = {
  fsync:
    'a power loss or an operating-system crash can corrupt the whole cluster, not just lose the last commits',
  full_page_writes: 'a crash in the middle of writing a page leaves torn pages that recovery cannot repair',
};

export default defineRule<SecurityModel>({
  id: 'security/unsafe-durability',
  category: 'security',
  model: 'security',
  defaultSeverity: 'error',
  summary: 'fsync or full_page_writes is off: a crash can corrupt the cluster',
  reportsOn: ['setting'],
  docs: {
    why: 'With fsync off PostgreSQL never waits for the disk: after a power loss or a kernel crash the data files and the WAL disagree, and the cluster can be corrupt beyond repair. With full_page_writes off, a page half-written at the crash cannot be rebuilt from the WAL. Both are only for throwaway clusters (a test server, an initial bulk load that is redone from scratch on failure). It is a fact about the server, reported once, whichever database is audited.',
    howToFix:
      'ALTER SYSTEM SET fsync = on (and full_page_writes = on); SELECT pg_reload_conf(). After a crash that happened while it was off, restore from a backup rather than trust the cluster.',
  },
  check({ model, report }) {
    for (const name of ['fsync', 'full_page_writes']) {
      const value = model.settings[name];
      if (!isOff(value)) continue;
      report({
        message: `${name} is off: ${WHAT[name]}`,
        location: { object: name, kind: 'setting' },
        fix: alterSystem(name, 'on'),
        evidence: { [name]: value },
      });
    }
  },
});
