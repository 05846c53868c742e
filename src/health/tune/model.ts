import { formatTuneKb, type PgTuneResult, pgtune, type TunedSetting, type TuneInputs } from './pgtune.js';
import type { SettingRow, TableActivity, TuneReading, WorkloadReading } from './reading.js';

/** One recommended setting against the server's value. */
export interface SettingChange {
  readonly name: string;
  /** The server's value as SHOW prints it (memory in GB/MB/kB), or null when the server has no such setting. */
  readonly current: string | null;
  readonly recommended: string;
  /** Memory in kB, other numbers as they are, the rest lower-cased: what the comparison used. */
  readonly currentValue: number | string | null;
  readonly recommendedValue: number | string;
  readonly differs: boolean;
  /** recommended / current, for numbers (null otherwise, or when current is 0). */
  readonly ratio: number | null;
  /** pg_settings.context: postmaster needs a restart; sighup, superuser and user a reload. */
  readonly context: string | null;
  readonly restart: boolean;
  /** The setting was changed and waits for a restart. */
  readonly pendingRestart: boolean;
  /** pg_settings.source: default, configuration file, override… */
  readonly source: string | null;
  readonly reason: string;
}

export interface LiveTune {
  readonly major: number;
  readonly changes: readonly SettingChange[];
  readonly settings: Readonly<Record<string, SettingRow>>;
  readonly workload: WorkloadReading | null;
  readonly databaseBytes: number | null;
  /** The big and busy tables of the connected database; empty when unread. */
  readonly tables: readonly TableActivity[];
}

/** The model of the `tune` rules: PGTune's recommendations for the inputs, and the server they are compared with. */
export interface TuneModel {
  readonly inputs: TuneInputs;
  /** PGTune's settings, adjusted to what the server supports (a build without io_uring or lz4). */
  readonly recommendations: readonly TunedSetting[];
  readonly warnings: readonly string[];
  /** The live server, when one was read. */
  readonly live: LiveTune | null;
}

const UNIT_KB: Readonly<Record<string, number>> = {
  B: 1 / 1024,
  kB: 1,
  '8kB': 8,
  MB: 1024,
  '16MB': 16 * 1024,
  GB: 1024 * 1024,
};

const TRUE_WORDS = new Set(['on', 'true', 'yes', '1']);
const FALSE_WORDS = new Set(['off', 'false', 'no', '0']);

function normalWord(text: string): string {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return 'on';
  if (FALSE_WORDS.has(word)) return 'off';
  return word;
}

/** A setting's value as the comparison reads it: memory in kB, numbers as numbers, words normalised. */
export function settingValue(
  row: SettingRow,
  settings: Readonly<Record<string, SettingRow>>,
): number | string {
  if (row.vartype === 'integer' || row.vartype === 'real') {
    const n = Number(row.setting);
    // autovacuum_work_mem -1: autovacuum uses maintenance_work_mem
    if (row.name === 'autovacuum_work_mem' && n === -1 && settings.maintenance_work_mem)
      return settingValue(settings.maintenance_work_mem, settings);
    const unit = row.unit === null ? undefined : UNIT_KB[row.unit];
    return unit === undefined ? n : n * unit;
  }
  const word = normalWord(row.setting);
  // PostgreSQL 15+ spells wal_compression=on as pglz
  return row.name === 'wal_compression' && word === 'pglz' ? 'on' : word;
}

function display(row: SettingRow, value: number | string): string {
  if (typeof value === 'number' && row.unit !== null && UNIT_KB[row.unit] !== undefined && value >= 1)
    return Number.isInteger(value) ? formatTuneKb(value) : `${value}kB`;
  return typeof value === 'number' ? String(value) : row.setting;
}

function recommendedValue(setting: TunedSetting): number | string {
  if (setting.kb !== undefined) return setting.kb;
  const n = Number(setting.value);
  return Number.isFinite(n) ? n : normalWord(setting.value);
}

/** PGTune's values this server cannot take, replaced by the nearest it can (its build lacks io_uring or lz4). */
function supported(
  settings: readonly TunedSetting[],
  live: Readonly<Record<string, SettingRow>> | null,
): TunedSetting[] {
  if (!live) return [...settings];
  return settings.map((s) => {
    const row = live[s.name];
    if (!row?.enumvals || row.enumvals.includes(s.value)) return s;
    if (s.name === 'io_method' && row.enumvals.includes('worker'))
      return {
        ...s,
        value: 'worker',
        reason: 'I/O worker processes: this server was built without io_uring',
      };
    if (s.name === 'wal_compression')
      return {
        ...s,
        value: 'on',
        reason: 'compress full-page images in WAL (this server was built without lz4)',
      };
    return s;
  });
}

function change(setting: TunedSetting, settings: Readonly<Record<string, SettingRow>>): SettingChange {
  const row = settings[setting.name];
  const wanted = recommendedValue(setting);
  if (!row) {
    return {
      name: setting.name,
      current: null,
      recommended: setting.value,
      currentValue: null,
      recommendedValue: wanted,
      differs: false,
      ratio: null,
      context: null,
      restart: false,
      pendingRestart: false,
      source: null,
      reason: `${setting.reason} (this server has no ${setting.name})`,
    };
  }
  const current = settingValue(row, settings);
  const bothNumbers = typeof current === 'number' && typeof wanted === 'number';
  const differs = bothNumbers ? Math.abs(current - wanted) > 1e-9 : String(current) !== String(wanted);
  return {
    name: setting.name,
    current: display(row, current),
    recommended: setting.value,
    currentValue: current,
    recommendedValue: wanted,
    differs,
    ratio: bothNumbers && current !== 0 ? wanted / current : null,
    context: row.context,
    restart: row.context === 'postmaster',
    pendingRestart: row.pendingRestart,
    source: row.source,
    reason: setting.reason,
  };
}

/**
 * The tune model: PGTune's configuration for `inputs`, and, with a server's reading, each recommended setting
 * against the server's value. Pure: the reading is plain JSON.
 */
export function buildTuneModel(inputs: TuneInputs, reading: TuneReading | null): TuneModel {
  const tuned: PgTuneResult = pgtune(inputs);
  const settings = reading ? Object.fromEntries(reading.settings.map((s) => [s.name, s])) : null;
  const recommendations = supported(tuned.settings, settings);
  return {
    inputs,
    recommendations,
    warnings: tuned.warnings,
    live:
      reading && settings
        ? {
            major: reading.major,
            changes: recommendations.map((s) => change(s, settings)),
            settings,
            workload: reading.workload,
            databaseBytes: reading.databaseBytes,
            tables: reading.tables ?? [],
          }
        : null,
  };
}

/** The live value of a memory setting in kB (null without a server, or without the setting). */
export function liveKb(model: TuneModel, name: string): number | null {
  const row = model.live?.settings[name];
  if (!row || !model.live) return null;
  const value = settingValue(row, model.live.settings);
  return typeof value === 'number' ? value : null;
}

/** PGTune's recommendation for one setting. */
export function recommendation(model: TuneModel, name: string): TunedSetting | undefined {
  return model.recommendations.find((s) => s.name === name);
}
