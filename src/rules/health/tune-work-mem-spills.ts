import { z } from 'zod';
import { formatBytes, formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { raisedMemoryKb } from '../../explain/settings.js';
import { alterSystemSql, settingFix } from '../../health/tune/fix.js';
import { liveKb, recommendation, type TuneModel } from '../../health/tune/model.js';
import { formatTuneKb } from '../../health/tune/pgtune.js';

const options = z.object({
  minTempFiles: z
    .number()
    .int()
    .min(1)
    .default(100)
    .describe('Report from this many temporary files since the statistics were reset'),
});

function window(seconds: number): string {
  if (seconds >= 86_400) return `${(seconds / 86_400).toFixed(1)} days`;
  if (seconds >= 3600) return `${(seconds / 3600).toFixed(1)} hours`;
  return `${Math.max(1, Math.round(seconds / 60))} minutes`;
}

export default defineRule<TuneModel, z.infer<typeof options>>({
  id: 'health/tune-work-mem-spills',
  category: 'health',
  model: 'tune',
  defaultSeverity: 'warning',
  summary: 'Queries spill sorts and hashes to temporary files: work_mem is too small for them',
  reportsOn: ['setting'],
  options,
  docs: {
    why: "A sort, hash join or hash aggregate that needs more than work_mem writes its data to temporary files and reads it back: the same query runs several times slower, and the disk writes compete with everything else. pg_stat_database counts the files and bytes since its statistics were reset. When the average spill fits in the memory the server can give each sort (PGTune's work_mem for its RAM, connections and workload), raising work_mem server-wide removes the spills; when it does not, a few large queries need more memory than every connection can have, and raising it for all would risk running out of memory.",
    howToFix:
      "If the fix sets work_mem: run it and reload; watch temp_files in pg_stat_database stop growing. If it sets log_temp_files instead: run it, reload, and read the server log for the statements that spill (each temporary file larger than the given size is logged with its statement); give those queries more memory where they run (`SET work_mem = '256MB'` in their session or transaction, or `ALTER ROLE reporting SET work_mem = '256MB'`), or rewrite them to sort less (`pgwarden explain` shows the spilling node). Applies to every supported PostgreSQL.",
  },
  check({ model, options, report }) {
    const workload = model.live?.workload;
    const workMemKb = liveKb(model, 'work_mem');
    if (!workload || workMemKb === null || workload.tempFiles < options.minTempFiles) return;
    const averageKb = workload.tempBytes / workload.tempFiles / 1024;
    const budgetKb = Math.max(recommendation(model, 'work_mem')?.kb ?? 0, workMemKb);
    const targetKb = raisedMemoryKb(averageKb, workMemKb);
    const spilled = `${formatCount(workload.tempFiles)} temporary files (${formatBytes(workload.tempBytes)}, ${formatBytes(averageKb * 1024)} on average) in ${window(workload.databaseStatsSeconds)}`;
    const evidence = {
      tempFiles: workload.tempFiles,
      tempBytes: workload.tempBytes,
      averageSpillKb: Math.round(averageKb),
      statsWindowSeconds: Math.round(workload.databaseStatsSeconds),
      workMem: formatTuneKb(workMemKb),
      memoryPerSort: formatTuneKb(budgetKb),
    };
    if (targetKb <= budgetKb) {
      const value = formatTuneKb(targetKb);
      report({
        message: `queries wrote ${spilled} with work_mem ${formatTuneKb(workMemKb)}: raise it to ${value} (within the ${formatTuneKb(budgetKb)} each sort can have on this server)`,
        location: { object: 'work_mem', kind: 'setting' },
        fix: settingFix('work_mem', value, false),
        evidence: { ...evidence, setting: 'work_mem', value, restart: false },
      });
      return;
    }
    const logAbove = formatTuneKb(Math.max(1024, Math.floor(averageKb / 1024) * 1024));
    report({
      message: `queries wrote ${spilled} with work_mem ${formatTuneKb(workMemKb)}: more than the ${formatTuneKb(budgetKb)} each sort can have on this server, so find the queries (log_temp_files = ${logAbove}) and give them more work_mem where they run`,
      location: { object: 'work_mem', kind: 'setting' },
      fix: `${alterSystemSql('log_temp_files', logAbove)}\nSELECT pg_reload_conf();`,
      evidence: { ...evidence, setting: 'log_temp_files', value: logAbove, restart: false },
    });
  },
});
