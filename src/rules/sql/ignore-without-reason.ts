import { defineRule } from '../../core/rule.js';
import type { SuppressionsModel } from '../models.js';

export default defineRule<SuppressionsModel>({
  id: 'sql/ignore-without-reason',
  category: 'sql',
  model: 'suppressions',
  defaultSeverity: 'error',
  summary: 'A pgwarden-ignore comment without a reason',
  reportsOn: 'file',
  docs: {
    why: 'Silencing a safety check is a decision the next reader must be able to judge. An ignore without a reason suppresses nothing: the finding it targets is still reported.',
    howToFix: 'Write the reason after a colon: `-- pgwarden-ignore rule-id: why this is safe here`.',
    examples: {
      bad: '-- pgwarden-ignore sql/syntax-error\nSELEC 1;',
      good: '-- pgwarden-ignore sql/syntax-error: psql meta-command fixture\nSELEC 1;',
    },
  },
  check({ model, report }) {
    for (const suppression of model.suppressions) {
      if (suppression.reason !== null) continue;
      report({
        message:
          suppression.rules.length === 0
            ? 'pgwarden-ignore names no rule and gives no reason'
            : `pgwarden-ignore ${suppression.rules.join(', ')} has no reason, so it suppresses nothing`,
        location: suppression.location,
        fix: `-- pgwarden-ignore ${suppression.rules.join(', ') || '<rule-id>'}: <why this is safe here>`,
      });
    }
  },
});
