import { defineRule } from '../../core/rule.js';
import type { SqlModel } from '../models.js';

export default defineRule<SqlModel>({
  id: 'sql/identifier-too-long',
  category: 'sql',
  model: 'sql',
  defaultSeverity: 'warning',
  summary: 'An identifier longer than 63 bytes, which PostgreSQL silently truncates',
  reportsOn: 'file',
  docs: {
    why: 'PostgreSQL keeps only the first 63 bytes of a name (NAMEDATALEN − 1) and says so only in a NOTICE. Two long names that share their first 63 bytes become the same name; later statements that use the full name still work, but tools and people comparing names do not find them.',
    howToFix: 'Shorten the name to 63 bytes or fewer (mind multi-byte characters).',
    examples: {
      bad: 'CREATE INDEX idx_customer_orders_by_created_at_and_status_and_region_for_reporting ON orders (created_at);',
      good: 'CREATE INDEX idx_orders_created_status_region ON orders (created_at);',
    },
  },
  check({ model, report }) {
    for (const identifier of model.longIdentifiers) {
      report({
        message: `"${identifier.name.slice(0, 40)}…" is ${identifier.bytes} bytes; PostgreSQL truncates it to 63`,
        location: { file: model.file, line: identifier.position.line, column: identifier.position.column },
      });
    }
  },
});
