import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import type { Deadlock, LogModel } from '../../logs/model.js';
import { cacheKey } from '../../logs/queries.js';
import { databaseLocation, oneLine } from '../../logs/rule-helpers.js';

export default defineRule<LogModel>({
  id: 'log/deadlock',
  category: 'log',
  model: 'log',
  defaultSeverity: 'error',
  summary: 'Transactions deadlocked: the server cancelled one of them',
  reportsOn: ['database'],
  docs: {
    why: "Two (or more) transactions each held a lock the other wanted; after deadlock_timeout the server found the cycle and cancelled one with SQLSTATE 40P01. Its work is lost unless the application retries, and until the check ran every transaction in the cycle waited. A deadlock that happened once happens again under the same load: it comes from the order in which the code takes its locks. The statements of the cycle are in the DETAIL the server logged with the error (not in the client's copy of it).",
    howToFix:
      'Make every transaction take its locks in one order: update the rows of a table in key order (`SELECT … ORDER BY id FOR UPDATE` first), touch tables in the same order everywhere, keep transactions short. Retry 40P01 in the application. Applies to every supported PostgreSQL.',
  },
  check({ model, report }) {
    const groups = new Map<string, Deadlock[]>();
    for (const deadlock of model.deadlocks.examples) {
      const key = deadlock.statements.map(cacheKey).sort().join('\n');
      groups.set(key, [...(groups.get(key) ?? []), deadlock]);
    }
    const listed = model.deadlocks.examples.length;
    for (const [, deadlocks] of groups) {
      const first = deadlocks[0]!;
      const statements = first.statements.map((s) => `"${oneLine(s, 80)}"`).join(' and ');
      const times =
        listed < model.deadlocks.count && groups.size === 1 ? model.deadlocks.count : deadlocks.length;
      report({
        message: `deadlock${times > 1 ? ` (${formatCount(times)} times)` : ''}${statements ? ` between ${statements}` : ''}${first.time ? `, first at ${first.time}` : ''}: they lock the same rows in opposite orders`,
        location: databaseLocation(first.database),
        evidence: {
          count: times,
          statements: first.statements,
          detail: first.detail,
          time: first.time,
          session: first.session,
        },
      });
    }
  },
});
