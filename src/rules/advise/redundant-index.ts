import { formatBytes } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { type AdviceModel, redundantIndexes } from '../../workload/advice.js';

export default defineRule<AdviceModel>({
  id: 'advise/redundant-index',
  category: 'advise',
  model: 'workload',
  defaultSeverity: 'warning',
  summary: 'An existing index an advised index makes redundant',
  reportsOn: ['index'],
  docs: {
    why: 'A B-tree serves every query that an index on the leading part of its keys serves: an index on (customer_id) is redundant next to one on (customer_id, created_at). Keeping both costs every insert, every non-HOT update and every delete an extra index entry, vacuum an extra index to scan, and memory for pages that compete with the data. When the workload advisor recommends the wider index, the narrower one it already has goes.',
    howToFix:
      'Build the advised index first (CREATE INDEX CONCURRENTLY), check the plans, then drop the redundant one with DROP INDEX CONCURRENTLY. An index that enforces something (unique, primary key, constraint) is never reported.',
  },
  check({ model, report }) {
    for (const { index, servedBy } of redundantIndexes(model)) {
      const size = index.sizeBytes === null ? '' : ` (${formatBytes(index.sizeBytes)})`;
      report({
        message: `index ${index.name}${size} is served by the advised index ${servedBy.definition}: drop it once that one is built`,
        location: { object: index.name, kind: 'index' },
        fix: [...servedBy.statements, index.drop].join('\n'),
        evidence: {
          index: index.definition,
          scans: index.scans,
          sizeBytes: index.sizeBytes,
          servedBy: servedBy.definition,
        },
      });
    }
  },
});
