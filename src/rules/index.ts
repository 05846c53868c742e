import type { AnyRule } from '../core/rule.js';
import migrationAddColumnRequired from './migration/add-column-required.js';
import migrationAddColumnRewrite from './migration/add-column-rewrite.js';
import migrationAppliedFileChanged from './migration/applied-file-changed.js';
import migrationAppliedFileMissing from './migration/applied-file-missing.js';
import migrationAttachPartitionScan from './migration/attach-partition-scan.js';
import migrationBackfillInTransaction from './migration/backfill-in-transaction.js';
import migrationCannotRunInTransaction from './migration/cannot-run-in-transaction.js';
import migrationChangeColumnType from './migration/change-column-type.js';
import migrationConstraintWithoutNotValid from './migration/constraint-without-not-valid.js';
import migrationDomainConstraint from './migration/domain-constraint.js';
import migrationDownColumnOrder from './migration/down-column-order.js';
import migrationDownFails from './migration/down-fails.js';
import migrationDropColumn from './migration/drop-column.js';
import migrationDropDatabase from './migration/drop-database.js';
import migrationDropNotNull from './migration/drop-not-null.js';
import migrationDropSchema from './migration/drop-schema.js';
import migrationDropTable from './migration/drop-table.js';
import migrationEnumAddValue from './migration/enum-add-value.js';
import migrationExclusionConstraint from './migration/exclusion-constraint.js';
import migrationFailedPartWay from './migration/failed-part-way.js';
import migrationIrreversible from './migration/irreversible.js';
import migrationMissingDown from './migration/missing-down.js';
import migrationNestedTransaction from './migration/nested-transaction.js';
import migrationOutOfOrder from './migration/out-of-order.js';
import migrationPreferRobustStatements from './migration/prefer-robust-statements.js';
import migrationRefreshWithoutConcurrently from './migration/refresh-without-concurrently.js';
import migrationRenameColumn from './migration/rename-column.js';
import migrationRenameTable from './migration/rename-table.js';
import migrationRequireConcurrentDetach from './migration/require-concurrent-detach.js';
import migrationRequireConcurrentDropIndex from './migration/require-concurrent-drop-index.js';
import migrationRequireConcurrentIndex from './migration/require-concurrent-index.js';
import migrationRequireConcurrentReindex from './migration/require-concurrent-reindex.js';
import migrationRequireLockTimeout from './migration/require-lock-timeout.js';
import migrationRequireStatementTimeout from './migration/require-statement-timeout.js';
import migrationRewritingAlter from './migration/rewriting-alter.js';
import migrationSchemaDrift from './migration/schema-drift.js';
import migrationSetNotNull from './migration/set-not-null.js';
import migrationSeveralHeavyLocks from './migration/several-heavy-locks.js';
import migrationTraceFailure from './migration/trace-failure.js';
import migrationTraceMismatch from './migration/trace-mismatch.js';
import migrationTruncate from './migration/truncate.js';
import migrationUnboundedWrite from './migration/unbounded-write.js';
import migrationUncommittedTransaction from './migration/uncommitted-transaction.js';
import migrationUniqueWithoutIndex from './migration/unique-without-index.js';
import migrationUnsupportedStatement from './migration/unsupported-statement.js';
import migrationUpFails from './migration/up-fails.js';
import migrationVacuumFull from './migration/vacuum-full.js';
import migrationValidateInSameTransaction from './migration/validate-in-same-transaction.js';
import planCacheMisses from './plan/cache-misses.js';
import planFilterNotIndexCond from './plan/filter-not-index-cond.js';
import planFunctionOnIndexedColumn from './plan/function-on-indexed-column.js';
import planHashSpill from './plan/hash-spill.js';
import planHeapFetches from './plan/heap-fetches.js';
import planJitOverhead from './plan/jit-overhead.js';
import planLargeOffset from './plan/large-offset.js';
import planLossyBitmap from './plan/lossy-bitmap.js';
import planMissingIndex from './plan/missing-index.js';
import planNestedLoopManyLoops from './plan/nested-loop-many-loops.js';
import planPlanningTime from './plan/planning-time.js';
import planReadEfficiency from './plan/read-efficiency.js';
import planRepeatedSubplan from './plan/repeated-subplan.js';
import planRowMisestimate from './plan/row-misestimate.js';
import planRowsRemovedByFilter from './plan/rows-removed-by-filter.js';
import planSortForLimit from './plan/sort-for-limit.js';
import planSortSpill from './plan/sort-spill.js';
import planWorkersNotLaunched from './plan/workers-not-launched.js';
import queryCodeSyntaxError from './query/code-syntax-error.js';
import queryCorrelatedSubqueryInSelect from './query/correlated-subquery-in-select.js';
import queryCountAsExistence from './query/count-as-existence.js';
import queryDistinctJoinFanout from './query/distinct-join-fanout.js';
import queryFunctionOnIndexedColumn from './query/function-on-indexed-column.js';
import queryHugeInList from './query/huge-in-list.js';
import queryImplicitCast from './query/implicit-cast.js';
import queryLargeOffset from './query/large-offset.js';
import queryLeadingWildcardLike from './query/leading-wildcard-like.js';
import queryNotInNullable from './query/not-in-nullable.js';
import queryOrAcrossColumns from './query/or-across-columns.js';
import queryOrderWithoutLimit from './query/order-without-limit.js';
import querySelectStar from './query/select-star.js';
import queryWriteWithoutWhere from './query/write-without-where.js';
import schemaBrinCandidate from './schema/brin-candidate.js';
import schemaCheckNaming from './schema/check-naming.js';
import schemaColumnNaming from './schema/column-naming.js';
import schemaCopiedAttribute from './schema/copied-attribute.js';
import schemaDelimitedList from './schema/delimited-list.js';
import schemaDuplicateIndex from './schema/duplicate-index.js';
import schemaEntityAttributeValue from './schema/entity-attribute-value.js';
import schemaForeignKeyNaming from './schema/foreign-key-naming.js';
import schemaForeignKeyOnDelete from './schema/foreign-key-on-delete.js';
import schemaForeignKeyTypeMismatch from './schema/foreign-key-type-mismatch.js';
import schemaForeignKeyWithoutIndex from './schema/foreign-key-without-index.js';
import schemaIndexNaming from './schema/index-naming.js';
import schemaIndexTypeMismatch from './schema/index-type-mismatch.js';
import schemaInvalidIndex from './schema/invalid-index.js';
import schemaLikelyUnique from './schema/likely-unique.js';
import schemaLowCardinalityIndex from './schema/low-cardinality-index.js';
import schemaNameLengthLimit from './schema/name-length-limit.js';
import schemaNoChar from './schema/no-char.js';
import schemaNoFloatMoney from './schema/no-float-money.js';
import schemaNoMoneyType from './schema/no-money-type.js';
import schemaNoPrimaryKey from './schema/no-primary-key.js';
import schemaNotValidConstraint from './schema/not-valid-constraint.js';
import schemaPartitionCandidate from './schema/partition-candidate.js';
import schemaPreferBigintKey from './schema/prefer-bigint-key.js';
import schemaPreferIdentity from './schema/prefer-identity.js';
import schemaPreferJsonb from './schema/prefer-jsonb.js';
import schemaPreferTimestamptz from './schema/prefer-timestamptz.js';
import schemaPrimaryKeyNaming from './schema/primary-key-naming.js';
import schemaQuotedIdentifier from './schema/quoted-identifier.js';
import schemaRedundantIndex from './schema/redundant-index.js';
import schemaRepeatingColumns from './schema/repeating-columns.js';
import schemaSequenceOverflow from './schema/sequence-overflow.js';
import schemaSoftDeleteIndex from './schema/soft-delete-index.js';
import schemaStandardId from './schema/standard-id.js';
import schemaStatusWithoutCheck from './schema/status-without-check.js';
import schemaTableNaming from './schema/table-naming.js';
import schemaTenantColumn from './schema/tenant-column.js';
import schemaTenantInKeys from './schema/tenant-in-keys.js';
import schemaTenantRls from './schema/tenant-rls.js';
import schemaTimestamps from './schema/timestamps.js';
import schemaTooManyIndexes from './schema/too-many-indexes.js';
import schemaUniqueNaming from './schema/unique-naming.js';
import schemaUnusedIndex from './schema/unused-index.js';
import schemaUpdatedAtMaintained from './schema/updated-at-maintained.js';
import schemaUuidInText from './schema/uuid-in-text.js';
import schemaVarcharLength from './schema/varchar-length.js';
import schemaWideTable from './schema/wide-table.js';
import sqlIdentifierTooLong from './sql/identifier-too-long.js';
import sqlIgnoreWithoutReason from './sql/ignore-without-reason.js';
import sqlSyntaxError from './sql/syntax-error.js';
import sqlUnusedIgnore from './sql/unused-ignore.js';

/** Every rule pgwarden has, sorted by id. Explicit on purpose: no directory scanning (a test checks it is complete). */
export const allRules: readonly AnyRule[] = Object.freeze(
  [
    migrationDownColumnOrder,
    migrationDownFails,
    migrationIrreversible,
    migrationMissingDown,
    migrationUpFails,
    migrationAppliedFileChanged,
    migrationAppliedFileMissing,
    migrationFailedPartWay,
    migrationOutOfOrder,
    migrationSchemaDrift,
    sqlIdentifierTooLong,
    sqlIgnoreWithoutReason,
    sqlSyntaxError,
    sqlUnusedIgnore,
    migrationAddColumnRequired,
    migrationAddColumnRewrite,
    migrationAttachPartitionScan,
    migrationBackfillInTransaction,
    migrationCannotRunInTransaction,
    migrationChangeColumnType,
    migrationConstraintWithoutNotValid,
    migrationDomainConstraint,
    migrationDropColumn,
    migrationDropDatabase,
    migrationDropNotNull,
    migrationDropSchema,
    migrationDropTable,
    migrationEnumAddValue,
    migrationExclusionConstraint,
    migrationNestedTransaction,
    migrationPreferRobustStatements,
    migrationRefreshWithoutConcurrently,
    migrationRenameColumn,
    migrationRenameTable,
    migrationRequireConcurrentDetach,
    migrationRequireConcurrentDropIndex,
    migrationRequireConcurrentIndex,
    migrationRequireConcurrentReindex,
    migrationRequireLockTimeout,
    migrationRequireStatementTimeout,
    migrationRewritingAlter,
    migrationSetNotNull,
    migrationSeveralHeavyLocks,
    migrationTraceFailure,
    migrationTraceMismatch,
    migrationTruncate,
    migrationUnboundedWrite,
    migrationUncommittedTransaction,
    migrationUniqueWithoutIndex,
    migrationUnsupportedStatement,
    migrationVacuumFull,
    migrationValidateInSameTransaction,
    planCacheMisses,
    planFilterNotIndexCond,
    planFunctionOnIndexedColumn,
    planHashSpill,
    planHeapFetches,
    planJitOverhead,
    planLargeOffset,
    planLossyBitmap,
    planMissingIndex,
    planNestedLoopManyLoops,
    planPlanningTime,
    planReadEfficiency,
    planRepeatedSubplan,
    planRowMisestimate,
    planRowsRemovedByFilter,
    planSortForLimit,
    planSortSpill,
    planWorkersNotLaunched,
    schemaForeignKeyOnDelete,
    schemaForeignKeyTypeMismatch,
    schemaForeignKeyWithoutIndex,
    schemaCheckNaming,
    schemaColumnNaming,
    schemaForeignKeyNaming,
    schemaIndexNaming,
    schemaLikelyUnique,
    schemaNameLengthLimit,
    schemaPrimaryKeyNaming,
    schemaQuotedIdentifier,
    schemaStatusWithoutCheck,
    schemaTableNaming,
    schemaTenantColumn,
    schemaTenantInKeys,
    schemaTenantRls,
    schemaUniqueNaming,
    schemaNoChar,
    schemaNoFloatMoney,
    schemaNoMoneyType,
    schemaNoPrimaryKey,
    schemaDuplicateIndex,
    schemaIndexTypeMismatch,
    schemaInvalidIndex,
    schemaLowCardinalityIndex,
    schemaRedundantIndex,
    schemaSequenceOverflow,
    schemaTooManyIndexes,
    schemaUnusedIndex,
    schemaUuidInText,
    schemaVarcharLength,
    schemaNotValidConstraint,
    schemaPreferBigintKey,
    schemaPreferIdentity,
    schemaPreferJsonb,
    schemaPreferTimestamptz,
    schemaSoftDeleteIndex,
    schemaStandardId,
    schemaTimestamps,
    schemaUpdatedAtMaintained,
    schemaBrinCandidate,
    schemaCopiedAttribute,
    schemaDelimitedList,
    schemaEntityAttributeValue,
    schemaPartitionCandidate,
    schemaRepeatingColumns,
    schemaWideTable,
    queryCodeSyntaxError,
    queryCorrelatedSubqueryInSelect,
    queryCountAsExistence,
    queryDistinctJoinFanout,
    queryFunctionOnIndexedColumn,
    queryHugeInList,
    queryImplicitCast,
    queryLargeOffset,
    queryLeadingWildcardLike,
    queryNotInNullable,
    queryOrAcrossColumns,
    queryOrderWithoutLimit,
    querySelectStar,
    queryWriteWithoutWhere,
  ].sort((a, b) => a.id.localeCompare(b.id)),
);

export function getRule(id: string): AnyRule | undefined {
  return allRules.find((rule) => rule.id === id);
}

export type {
  ColumnDeclaration,
  ColumnStats,
  ColumnsModel,
  SchemaModel,
  SqlModel,
  SuppressionsModel,
} from './models.js';
