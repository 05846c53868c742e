import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf, operations, sizedSeverity, sqlRelation } from '../../lint/rule-helpers.js';
import { quoteIdent } from '../../sql/quote.js';

export default defineRule<MigrationModel>({
  id: 'migration/attach-partition-scan',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'warning',
  summary: 'ATTACH PARTITION without a CHECK constraint that implies the partition bound',
  reportsOn: 'file',
  docs: {
    why: 'ATTACH PARTITION reads the whole new partition to prove every row fits the bound, holding an ACCESS EXCLUSIVE lock on it (and, before PostgreSQL 12, on the partitioned table too; from 12, SHARE UPDATE EXCLUSIVE on the parent). A valid CHECK constraint on the partition that implies the bound lets PostgreSQL skip the scan.',
    howToFix:
      'Before attaching: ADD CONSTRAINT … CHECK (<bound as a condition>) NOT VALID on the partition, VALIDATE it (no blocking), ATTACH (no scan), then drop the check.',
    examples: {
      bad: "ALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');",
      good: "ALTER TABLE events_2026 ADD CONSTRAINT chk_events_2026_bound CHECK (at >= '2026-01-01' AND at < '2027-01-01') NOT VALID;\nALTER TABLE events_2026 VALIDATE CONSTRAINT chk_events_2026_bound;\nALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');\nALTER TABLE events_2026 DROP CONSTRAINT chk_events_2026_bound;",
    },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, 'attach-partition')) {
      const partition = operation.relations.partition;
      if (!partition || model.createdHere(partition) || operation.provenBound) continue;
      const [sqlPartition, check] = [
        sqlRelation(partition),
        quoteIdent(`chk_${partition.split('.')[1]}_bound`),
      ];
      report({
        message: `ATTACH PARTITION scans ${display(partition)} under an ACCESS EXCLUSIVE lock unless a valid CHECK constraint on it implies the partition bound`,
        location: locationOf(model, analyzed),
        severity: sizedSeverity(model, partition, 'warning'),
        fix: `ALTER TABLE ${sqlPartition} ADD CONSTRAINT ${check} CHECK (<partition bound as a condition>) NOT VALID;\nALTER TABLE ${sqlPartition} VALIDATE CONSTRAINT ${check};\n${analyzed.statement.text};\nALTER TABLE ${sqlPartition} DROP CONSTRAINT ${check};`,
      });
    }
  },
});
