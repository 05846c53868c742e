import type { AnyRule } from '../core/rule.js';
import adviseMissingIndex from './advise/missing-index.js';
import adviseRedundantIndex from './advise/redundant-index.js';
import healthAnalyzeLag from './health/analyze-lag.js';
import healthArchiverFailing from './health/archiver-failing.js';
import healthAutovacuumSaturated from './health/autovacuum-saturated.js';
import healthBlockedSessions from './health/blocked-sessions.js';
import healthCacheHitRatio from './health/cache-hit-ratio.js';
import healthCheckpointsRequested from './health/checkpoints-requested.js';
import healthCollationVersionDrift from './health/collation-version-drift.js';
import healthConnections from './health/connections.js';
import healthDisabledTrigger from './health/disabled-trigger.js';
import healthDuplicateIndex from './health/duplicate-index.js';
import healthExtensionOutdated from './health/extension-outdated.js';
import healthIdleInTransaction from './health/idle-in-transaction.js';
import healthInactiveReplicationSlot from './health/inactive-replication-slot.js';
import healthIndexBloat from './health/index-bloat.js';
import healthInvalidIndex from './health/invalid-index.js';
import healthLongRunningQuery from './health/long-running-query.js';
import healthMultixactWraparound from './health/multixact-wraparound.js';
import healthNPlusOne from './health/n-plus-one.js';
import healthNotValidConstraint from './health/not-valid-constraint.js';
import healthPitrArchiveFailing from './health/pitr-archive-failing.js';
import healthPitrArchiveLag from './health/pitr-archive-lag.js';
import healthPitrArchivingOff from './health/pitr-archiving-off.js';
import healthPitrBackupStale from './health/pitr-backup-stale.js';
import healthPreparedTransaction from './health/prepared-transaction.js';
import healthReplicationLag from './health/replication-lag.js';
import healthSequenceExhaustion from './health/sequence-exhaustion.js';
import healthSlowQuery from './health/slow-query.js';
import healthTableBloat from './health/table-bloat.js';
import healthTempFiles from './health/temp-files.js';
import healthTuneCheckpointsRequested from './health/tune-checkpoints-requested.js';
import healthTuneConnectionPooler from './health/tune-connection-pooler.js';
import healthTunePendingRestart from './health/tune-pending-restart.js';
import healthTuneSettingDiffers from './health/tune-setting-differs.js';
import healthTuneTableAutovacuum from './health/tune-table-autovacuum.js';
import healthTuneWorkMemSpills from './health/tune-work-mem-spills.js';
import healthUnusedIndex from './health/unused-index.js';
import healthVacuumLag from './health/vacuum-lag.js';
import healthXidWraparound from './health/xid-wraparound.js';
import healthXminHorizon from './health/xmin-horizon.js';
import { lintRules } from './lint-rules.js';
import logDeadlock from './log/deadlock.js';
import logErrorBurst from './log/error-burst.js';
import logFrequentCheckpoints from './log/frequent-checkpoints.js';
import logLockWait from './log/lock-wait.js';
import logNPlusOne from './log/n-plus-one.js';
import logSlowQuery from './log/slow-query.js';
import logTempFiles from './log/temp-files.js';
import migrationAppliedFileChanged from './migration/applied-file-changed.js';
import migrationAppliedFileMissing from './migration/applied-file-missing.js';
import migrationDownColumnOrder from './migration/down-column-order.js';
import migrationDownFails from './migration/down-fails.js';
import migrationFailedPartWay from './migration/failed-part-way.js';
import migrationIrreversible from './migration/irreversible.js';
import migrationMissingDown from './migration/missing-down.js';
import migrationOutOfOrder from './migration/out-of-order.js';
import migrationSchemaDrift from './migration/schema-drift.js';
import migrationUpFails from './migration/up-fails.js';
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
import schemaMissingForeignKey from './schema/missing-foreign-key.js';
import schemaNameLengthLimit from './schema/name-length-limit.js';
import schemaNoPrimaryKey from './schema/no-primary-key.js';
import schemaNotValidConstraint from './schema/not-valid-constraint.js';
import schemaPartitionCandidate from './schema/partition-candidate.js';
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
import securityConnectedRolePrivileges from './security/connected-role-privileges.js';
import securityDangerousMembership from './security/dangerous-membership.js';
import securityDefaultPrivilegesPublic from './security/default-privileges-public.js';
import securityExtensionInPublic from './security/extension-in-public.js';
import securityHbaWeakAuth from './security/hba-weak-auth.js';
import securityListenAllAddresses from './security/listen-all-addresses.js';
import securityLogConnectionsOff from './security/log-connections-off.js';
import securityLoginWithoutPassword from './security/login-without-password.js';
import securityMd5Password from './security/md5-password.js';
import securityNoPgaudit from './security/no-pgaudit.js';
import securityOwnedByLoginRole from './security/owned-by-login-role.js';
import securityPasswordEncryption from './security/password-encryption.js';
import securityPermissiveTruePolicy from './security/permissive-true-policy.js';
import securityPoliciesWithoutRls from './security/policies-without-rls.js';
import securityPolicyWithoutTenantSetting from './security/policy-without-tenant-setting.js';
import securityPrivilegedLoginRole from './security/privileged-login-role.js';
import securityPublicGrant from './security/public-grant.js';
import securityPublicSchemaCreate from './security/public-schema-create.js';
import securityRlsNotForced from './security/rls-not-forced.js';
import securitySecurityDefinerSearchPath from './security/security-definer-search-path.js';
import securitySslOff from './security/ssl-off.js';
import securityTenantTableWithoutRls from './security/tenant-table-without-rls.js';
import securityUnsafeDurability from './security/unsafe-durability.js';
import securityUntrustedLanguage from './security/untrusted-language.js';
import securityViewBypassesRls from './security/view-bypasses-rls.js';

/** Every rule pgwarden has, sorted by id. Explicit on purpose: no directory scanning (a test checks it is complete). */
export const allRules: readonly AnyRule[] = Object.freeze(
  [
    ...lintRules,
    adviseMissingIndex,
    adviseRedundantIndex,
    healthAnalyzeLag,
    healthArchiverFailing,
    healthAutovacuumSaturated,
    healthBlockedSessions,
    healthCacheHitRatio,
    healthCheckpointsRequested,
    healthCollationVersionDrift,
    healthConnections,
    healthDisabledTrigger,
    healthDuplicateIndex,
    healthExtensionOutdated,
    healthIdleInTransaction,
    healthIndexBloat,
    healthInactiveReplicationSlot,
    healthInvalidIndex,
    healthLongRunningQuery,
    healthMultixactWraparound,
    healthNPlusOne,
    healthNotValidConstraint,
    healthPreparedTransaction,
    healthReplicationLag,
    healthSequenceExhaustion,
    healthSlowQuery,
    healthTableBloat,
    healthTempFiles,
    healthUnusedIndex,
    healthVacuumLag,
    healthXidWraparound,
    healthXminHorizon,
    healthPitrArchiveFailing,
    healthPitrArchiveLag,
    healthPitrArchivingOff,
    healthPitrBackupStale,
    healthTuneCheckpointsRequested,
    healthTuneConnectionPooler,
    healthTunePendingRestart,
    healthTuneTableAutovacuum,
    healthTuneSettingDiffers,
    healthTuneWorkMemSpills,
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
    logDeadlock,
    logErrorBurst,
    logFrequentCheckpoints,
    logLockWait,
    logNPlusOne,
    logSlowQuery,
    logTempFiles,
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
    schemaMissingForeignKey,
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
    securityConnectedRolePrivileges,
    securityDangerousMembership,
    securityDefaultPrivilegesPublic,
    securityExtensionInPublic,
    securityHbaWeakAuth,
    securityListenAllAddresses,
    securityLogConnectionsOff,
    securityLoginWithoutPassword,
    securityMd5Password,
    securityNoPgaudit,
    securityOwnedByLoginRole,
    securityPasswordEncryption,
    securityPermissiveTruePolicy,
    securityPoliciesWithoutRls,
    securityPolicyWithoutTenantSetting,
    securityPrivilegedLoginRole,
    securityPublicGrant,
    securityPublicSchemaCreate,
    securityRlsNotForced,
    securitySecurityDefinerSearchPath,
    securitySslOff,
    securityTenantTableWithoutRls,
    securityUnsafeDurability,
    securityUntrustedLanguage,
    securityViewBypassesRls,
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
