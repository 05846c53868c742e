import type { AnyRule } from '../core/rule.js';
import migrationAddColumnRequired from './migration/add-column-required.js';
import migrationAddColumnRewrite from './migration/add-column-rewrite.js';
import migrationAttachPartitionScan from './migration/attach-partition-scan.js';
import migrationBackfillInTransaction from './migration/backfill-in-transaction.js';
import migrationCannotRunInTransaction from './migration/cannot-run-in-transaction.js';
import migrationChangeColumnType from './migration/change-column-type.js';
import migrationConstraintWithoutNotValid from './migration/constraint-without-not-valid.js';
import migrationDomainConstraint from './migration/domain-constraint.js';
import migrationDropColumn from './migration/drop-column.js';
import migrationDropDatabase from './migration/drop-database.js';
import migrationDropNotNull from './migration/drop-not-null.js';
import migrationDropSchema from './migration/drop-schema.js';
import migrationDropTable from './migration/drop-table.js';
import migrationEnumAddValue from './migration/enum-add-value.js';
import migrationExclusionConstraint from './migration/exclusion-constraint.js';
import migrationNestedTransaction from './migration/nested-transaction.js';
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
import migrationRunnerSplitsStatement from './migration/runner-splits-statement.js';
import migrationSetNotNull from './migration/set-not-null.js';
import migrationSeveralHeavyLocks from './migration/several-heavy-locks.js';
import migrationTraceFailure from './migration/trace-failure.js';
import migrationTraceMismatch from './migration/trace-mismatch.js';
import migrationTruncate from './migration/truncate.js';
import migrationUnboundedWrite from './migration/unbounded-write.js';
import migrationUncommittedTransaction from './migration/uncommitted-transaction.js';
import migrationUniqueWithoutIndex from './migration/unique-without-index.js';
import migrationUnsupportedStatement from './migration/unsupported-statement.js';
import migrationVacuumFull from './migration/vacuum-full.js';
import migrationValidateInSameTransaction from './migration/validate-in-same-transaction.js';
import schemaNoChar from './schema/no-char.js';
import schemaNoFloatMoney from './schema/no-float-money.js';
import schemaNoMoneyType from './schema/no-money-type.js';
import schemaPreferBigintKey from './schema/prefer-bigint-key.js';
import schemaPreferIdentity from './schema/prefer-identity.js';
import schemaPreferJsonb from './schema/prefer-jsonb.js';
import schemaPreferTimestamptz from './schema/prefer-timestamptz.js';
import sqlIdentifierTooLong from './sql/identifier-too-long.js';
import sqlIgnoreWithoutReason from './sql/ignore-without-reason.js';
import sqlSyntaxError from './sql/syntax-error.js';
import sqlUnusedIgnore from './sql/unused-ignore.js';

/** The models `pgwarden lint` runs rules on: a lint can report only the rules of these. */
export const LINT_MODELS: readonly string[] = ['sql', 'migration', 'columns', 'suppressions', 'trace'];

/**
 * The rules of LINT_MODELS, sorted by id (a test checks they are all of them). `pgwarden lint` loads these, not
 * rules/index.ts: starting the other rules' modules (their option schemas, what they import) was about 15 ms of a
 * one-file lint.
 */
export const lintRules: readonly AnyRule[] = Object.freeze(
  [
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
    migrationRunnerSplitsStatement,
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
    schemaNoChar,
    schemaNoFloatMoney,
    schemaNoMoneyType,
    schemaPreferBigintKey,
    schemaPreferIdentity,
    schemaPreferJsonb,
    schemaPreferTimestamptz,
    sqlIdentifierTooLong,
    sqlIgnoreWithoutReason,
    sqlSyntaxError,
    sqlUnusedIgnore,
  ].sort((a, b) => a.id.localeCompare(b.id)),
);
