/**
 * pgwarden's library API. The CLI, the MCP server and the dashboard use only what this module exports.
 */

export type { BackupProgress } from './backup/create.js';
export type { DatabaseManifest, VerificationRecord, VerifyLevel } from './backup/manifest.js';
export {
  type BackupAge,
  type BackupStatus,
  type BackupSummary,
  backupStatus,
  newestVerifiedBackup,
} from './backup/status.js';
export {
  diffFingerprints,
  fingerprintSchema,
  type SchemaDiff,
  type SchemaFingerprint,
} from './catalog/fingerprint.js';
export * from './catalog/model.js';
export { findTable, loadSnapshot, type SnapshotOptions } from './catalog/snapshot.js';
export {
  CHECK_STEPS,
  type CheckData,
  type CheckOptions,
  type CheckProgress,
  type CheckStep,
  checkProject,
  checkStepTitle,
  type StepResult,
} from './check/check.js';
export {
  type Box,
  type BoxStatus,
  buildChecklist,
  CHECKLIST,
  type CheckScope,
  type Section,
} from './check/checklist.js';
export { renderCheckMarkdown, renderCheckText } from './check/render.js';
export {
  CONFIG_FILE,
  defaultConfig,
  type LoadedConfig,
  loadConfig,
  type PgwardenConfig,
  parseConfig,
} from './core/config.js';
export {
  type Capabilities,
  createRuleSet,
  type RuleRun,
  type RuleSet,
  type RuleSettings,
  type RunContext,
  ruleSetOf,
  type SkippedRule,
} from './core/engine.js';
export { type ErrorCode, errorMessage, isPgwardenError, PgwardenError } from './core/errors.js';
export * from './core/finding.js';
export { formatBytes } from './core/format.js';
export {
  DEFAULT_PG_MAJOR,
  LINT_PG_MAJORS,
  parsePgMajor,
  pgMajorRange,
  SERVER_PG_MAJORS,
  targetMajor,
} from './core/pg-major.js';
export { redact, redactUrl } from './core/redact.js';
export { createReport, exitCodeFor, type Report } from './core/report.js';
export {
  type AnyRule,
  defineRule,
  type ModelKind,
  type Privilege,
  RULE_CATEGORIES,
  type Rule,
  type RuleCategory,
  type RuleContext,
  type RuleSpec,
} from './core/rule.js';
export { closest } from './core/suggest.js';
export { applySuppressions, type Suppression } from './core/suppression.js';
export { VERSION } from './core/version.js';
export { cancellable, cancelledError } from './db/cancel.js';
export { Connection, type ReadOnlyOptions, type TransactionOptions } from './db/connection.js';
export { binariesFor, bundledBinaries, type PgBinaries } from './db/embedded/binaries.js';
export { userCacheDir } from './db/embedded/paths.js';
export { EmbeddedServer, type EmbeddedServerOptions } from './db/embedded/server.js';
export {
  applySql,
  createScratchDatabase,
  type ScratchDatabase,
  withScratchDatabase,
  withShadowDatabase,
} from './db/scratch.js';
export { SCRATCH_PREFIX } from './db/scratch-name.js';
export {
  type DatabaseIdentity,
  databaseIdentity,
  identityDifferences,
  type ServerCapabilities,
  type ServerVersion,
  serverCapabilities,
  serverVersion,
} from './db/server-info.js';
export { onShutdown, runShutdownTasks } from './db/shutdown.js';
export {
  type DatabaseTarget,
  openTarget,
  projectDatabaseName,
  resolveTargetSource,
  type TargetOptions,
} from './db/target.js';
export { type ParsedUrl, parseDatabaseUrl, withDatabase } from './db/url.js';
export type { DatabaseFacts, TableFacts } from './explain/facts.js';
export {
  buildPlanModel,
  type HypopgStatus,
  type HypotheticalIndex,
  type PlanModel,
  type PlanModelInput,
} from './explain/model.js';
export {
  describeNode,
  type Plan,
  type PlanNode,
  parsePlan,
  parsePlans,
  planForJson,
} from './explain/plan.js';
export { type RenderPlanOptions, renderPlan } from './explain/render.js';
export { type ExplainRequest, type ExplainRun, runExplain } from './explain/run.js';
export { type BackupManifest, takeBackup } from './guard/backup.js';
export { type Destruction, destructions } from './guard/destructive.js';
export { healthFactsFromReadings } from './health/build.js';
export { type HealthReading, type ReadHealthOptions, readHealth } from './health/collect.js';
export { parseSampleDuration } from './health/duration.js';
export type { HealthFacts, HorizonHolder, Session } from './health/model.js';
export { type NagiosStatus, nagiosStatus, nagiosUnknown } from './health/nagios.js';
export { type PrometheusOptions, renderHealthPrometheus } from './health/prometheus.js';
export { renderHealthData } from './health/render.js';
export { type HealthSummary, healthSummary } from './health/summary.js';
export type { SettingChange, TuneModel } from './health/tune/model.js';
export { pgtune, type TunedSetting, type TuneInputs } from './health/tune/pgtune.js';
export {
  renderTuneConf,
  renderTuneSql,
  renderTuneText,
  type ScriptChange,
  type TuneData,
} from './health/tune/render.js';
export { columnsFromSql } from './lint/columns.js';
export { schemaStateFromDatabase } from './lint/database-facts.js';
export { type ObservedStatement, traceConcurrently, traceInTransaction } from './lint/lock-trace.js';
export { type AnalyzedStatement, analyzeMigration, type MigrationModel } from './lint/migration-model.js';
export type { Reversibility, ReversibilityResult, VerifyResult } from './lint/reversibility.js';
export { SchemaState } from './lint/schema-state.js';
export type { TracedStatement, TraceModel } from './lint/trace-model.js';
export { lockModelMarkdown } from './locks/docs.js';
export {
  type Behaviour,
  behaviourAt,
  LOCK_MODEL,
  type LockModelEntry,
  type TargetRole,
} from './locks/model.js';
export { blocksReads, blocksWrites, LOCK_MODES, type LockMode, lockModeSql } from './locks/modes.js';
export { LOG_FORMATS, type LogEntry, type LogFormat } from './logs/entry.js';
export { renderLogsHtml } from './logs/html.js';
export type { LogModel, LogReportData, LookupLoops, QueryStats } from './logs/model.js';
export { type ReadLogsOptions, readLogs } from './logs/read.js';
export { renderLogsData } from './logs/render.js';
export {
  compareVersions,
  type Migration,
  type MigrationScript,
  migrationsFolder,
  readMigrations,
  splitSections,
} from './migrate/files.js';
export { type HistoryRow, migrationChecksum, readHistory } from './migrate/history.js';
export { newMigration } from './migrate/new.js';
export { renderMigrateResult } from './migrate/render.js';
export {
  type DownOptions,
  type MigrateResult,
  type MigrationRun,
  migrateBaseline,
  migrateDown,
  migrateRedo,
  migrateStatus,
  migrateUp,
  type RunnerContext,
  StalePlanError,
  type StatusLine,
  type UpOptions,
} from './migrate/runner.js';
export {
  type AdviseData,
  type AdvisedIndex,
  type AdvisedQuery,
  type AdviseOptions,
  adviseIndexes,
} from './ops/advise.js';
export { renderAdviseData } from './ops/advise-render.js';
export {
  type BackupCreateData,
  type BackupListData,
  type BackupPruneData,
  type BackupRestoreData,
  type BackupVerifyData,
  backupCreate,
  backupDir,
  backupList,
  backupPrune,
  backupRestore,
  backupVerify,
} from './ops/backup.js';
export { formatAge, renderBackupData } from './ops/backup-render.js';
export { type CheckSqlOptions, type CheckSqlResult, checkSql, type ScriptSource } from './ops/check-sql.js';
export { type ExplainData, type ExplainOptions, explainQuery } from './ops/explain.js';
export { type FixPlan, planFixes } from './ops/fix.js';
export {
  type CheckHealthOptions,
  checkHealth,
  type HealthData,
  type HealthReportOptions,
  healthReport,
  healthReportFromFacts,
  readHealthFacts,
} from './ops/health.js';
export { type InspectData, type InspectOptions, inspect } from './ops/inspect.js';
export {
  type LintData,
  type LintOptions,
  lint,
  lintSources,
  type StatementReport,
  scriptOf,
} from './ops/lint.js';
export { type LintRun, LintSession, type LintSessionOptions } from './ops/lint-watch.js';
export { analyzeLogs, type LogsData, type LogsOptions } from './ops/logs.js';
export {
  type MetricsOptions,
  type MetricsServer,
  type MetricsTarget,
  metricsTargets,
  startMetricsServer,
} from './ops/metrics.js';
export { type MigrateAction, type MigrateData, migrateReport } from './ops/migrate.js';
export {
  type PitrBackupData,
  type PitrBackupOptions,
  type PitrRestoreData,
  type PitrRestoreOptions,
  type PitrSetupData,
  type PitrSetupOptions,
  type PitrStatusData,
  type PitrStatusOptions,
  pitrBackup,
  pitrRestore,
  pitrSetup,
  pitrSetupRefusal,
  pitrStatus,
} from './ops/pitr.js';
export {
  renderPitrBackupData,
  renderPitrRestoreData,
  renderPitrSetupData,
  renderPitrStatusData,
} from './ops/pitr-render.js';
export { type CheckQueriesOptions, type CheckQueriesResult, checkQueries } from './ops/query-check.js';
export {
  type QueryReviewData,
  type QueryReviewOptions,
  queryReview,
  type ReviewedStatement,
} from './ops/query-review.js';
export {
  type RenderDataOptions,
  renderExplainData,
  renderLintData,
  renderMigrateData,
  renderQueryReviewData,
  renderReviewData,
  renderVerifyData,
} from './ops/render.js';
export { type ReviewData, type ReviewOptions, reviewRules, reviewSchema } from './ops/schema-review.js';
export {
  auditSecurity,
  generateSecurityScript,
  readSecurityModel,
  renderSecurityData,
  type SecurityAuditOptions,
  type SecurityData,
  type SecurityGenerateData,
  securityReport,
} from './ops/security.js';
export { traceMigrations } from './ops/trace.js';
export { type TuneOptions, tune } from './ops/tune.js';
export { type VerifyData, verifyMigrations, verifyReport } from './ops/verify.js';
export { type CodeExtraction, extractSql, type SqlFragment } from './query/extract.js';
export type { QueryModel, QueryOrigin, QueryStatement } from './query/model.js';
export { buildQuerySchema, loadQuerySchema, type QuerySchema } from './query/schema.js';
export { collectQueryFiles, type QuerySource, readQuerySources } from './query/sources.js';
export {
  type Colors,
  FORMATS,
  type Format,
  type RenderOptions,
  render,
  renderChunks,
} from './report/index.js';
export { renderSnapshot, renderTable } from './report/snapshot-text.js';
export { generatedDocs, ruleDocMarkdown, ruleOptions, rulesIndexMarkdown } from './rules/docs.js';
export {
  allRules,
  type ColumnDeclaration,
  type ColumnsModel,
  getRule,
  type SqlModel,
  type SuppressionsModel,
} from './rules/index.js';
export { buildSchemaModel, objectPattern, reviewedSchemas } from './schema/build.js';
export { columnsFromCatalog } from './schema/columns.js';
export { type AcceptedFinding, applySchemaExceptions } from './schema/ignores.js';
export type { ColumnStats, KeywordCategory, SchemaConventions, SchemaModel } from './schema/model.js';
export { loadColumnStats, loadKeywords } from './schema/stats.js';
export {
  GENERATORS as SECURITY_GENERATORS,
  type GeneratedScript,
  type GenerateOptions,
  type GeneratorKind,
  generateSecurity,
} from './security/generate.js';
export { type SecurityModel, securityModelFromReading } from './security/model.js';
export { readSecurity } from './security/read.js';
export type { SecurityReading } from './security/reading.js';
export { collectSqlFiles, decodeSql, readSqlSources, type SqlSource } from './sql/files.js';
export * from './sql/index.js';
