import { z } from 'zod';
import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { formatSeconds } from '../../health/format.js';
import type { HealthFacts } from '../../health/model.js';

export default defineRule<HealthFacts, { warningSeconds: number; errorSeconds: number }>({
  id: 'health/prepared-transaction',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Prepared transaction (two-phase commit) left open',
  reportsOn: ['database'],
  docs: {
    why: 'A transaction prepared with PREPARE TRANSACTION survives the session, disconnects and restarts, and keeps its locks and its xmin until a COMMIT PREPARED or ROLLBACK PREPARED. A transaction manager that crashed between the two phases leaves one behind: nothing ends it, tables it locked stay locked, VACUUM cannot clean, and the XID age grows towards wraparound. A healthy two-phase commit finishes in milliseconds.',
    howToFix:
      "Ask the transaction manager (or the application that used 2PC) whether the transaction must commit or roll back, then run `COMMIT PREPARED 'gid'` or `ROLLBACK PREPARED 'gid'` as its owner or a superuser, connected to the database it was prepared in. The fix given rolls back: check first. If nothing uses two-phase commit, set `max_prepared_transactions = 0`.",
  },
  options: z.object({
    warningSeconds: z
      .number()
      .min(0)
      .default(60)
      .describe('Warn when a prepared transaction is this old (s)'),
    errorSeconds: z
      .number()
      .min(0)
      .default(600)
      .describe('Error when a prepared transaction is this old (s)'),
  }),
  check({ model, options, report }) {
    for (const p of model.prepared) {
      if (p.ageSeconds < options.warningSeconds) continue;
      report({
        message: `prepared transaction '${p.gid}' of ${p.owner} in database ${p.database} has been open ${formatSeconds(p.ageSeconds)} (${formatCount(p.xidAge)} transactions old): it keeps its locks and holds back VACUUM until COMMIT PREPARED or ROLLBACK PREPARED in ${p.database}`,
        location: { object: `prepared transaction ${p.gid}`, kind: 'database' },
        severity: p.ageSeconds >= options.errorSeconds ? 'error' : 'warning',
        fix: `ROLLBACK PREPARED '${p.gid.replace(/'/g, "''")}';`,
        evidence: { ...p },
      });
    }
  },
});
