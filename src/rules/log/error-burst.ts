import { z } from 'zod';
import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import type { LogModel } from '../../logs/model.js';
import { databaseLocation, oneLine } from '../../logs/rule-helpers.js';

const options = z.object({
  minPerMinute: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('Errors of one kind within one minute that make a burst'),
});

export default defineRule<LogModel, z.infer<typeof options>>({
  id: 'log/error-burst',
  category: 'log',
  model: 'log',
  defaultSeverity: 'warning',
  summary: 'Many errors of one kind within a minute, or a PANIC',
  reportsOn: ['database'],
  options,
  docs: {
    why: 'An error now and then is an application handling a conflict; the same error many times a minute is a bug in a loop, a deployment gone wrong, a full disk or an exhausted resource, and the failed statements are work the users did not get done. Errors are grouped by severity, SQLSTATE (%e in the prefix, or csvlog/jsonlog) and message with its values blanked, and a group reaching `minPerMinute` in one calendar minute is a burst. A PANIC is always reported: the server restarted.',
    howToFix:
      "Read the example (statement, detail, hint): the SQLSTATE's class says what kind of failure it is (23 integrity, 40 transaction rollback, 42 syntax or access, 53 resources, 57 operator intervention, 58 system). Fix the caller or the resource; retry only what is meant to be retried (40001, 40P01). Applies to every supported PostgreSQL.",
  },
  check({ model, options, report }) {
    for (const group of model.errors) {
      const panic = group.severity === 'PANIC';
      if (!panic && group.peakPerMinute < options.minPerMinute) continue;
      const example = group.example;
      report({
        message: `${group.severity}${group.sqlstate ? ` ${group.sqlstate}` : ''} "${oneLine(example.message, 100)}" ${formatCount(group.count)} time${group.count === 1 ? '' : 's'}, up to ${formatCount(group.peakPerMinute)} in one minute${group.peakMinute ? ` (${group.peakMinute})` : ''}${example.statement ? `, e.g. on "${oneLine(example.statement, 80)}"` : ''}`,
        location: databaseLocation(example.database),
        severity: panic ? 'error' : undefined,
        evidence: { ...group },
      });
    }
  },
});
