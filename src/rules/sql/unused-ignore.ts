import { defineRule } from '../../core/rule.js';
import type { SuppressionsModel } from '../models.js';

export default defineRule<SuppressionsModel>({
  id: 'sql/unused-ignore',
  category: 'sql',
  model: 'suppressions',
  defaultSeverity: 'warning',
  summary: 'A pgwarden-ignore comment that suppresses nothing',
  reportsOn: 'file',
  docs: {
    why: 'An ignore that matches no finding is either stale (the problem was fixed) or wrong (a misspelt rule id, or placed before the wrong statement). Left in place, it would silently hide the next real problem there.',
    howToFix:
      "Delete the comment, or correct the rule id and put it directly above the statement it is about (or at the end of that statement's line).",
    examples: {
      bad: '-- pgwarden-ignore sql/no-such-rule: legacy\nSELECT 1;',
      good: 'SELECT 1;',
    },
  },
  check({ model, report }) {
    for (const { suppression, rule } of model.unused) {
      const known = model.knownRules.has(rule);
      report({
        message: known
          ? `pgwarden-ignore ${rule} suppresses nothing here`
          : `pgwarden-ignore names an unknown rule "${rule}"`,
        location: suppression.location,
      });
    }
  },
});
