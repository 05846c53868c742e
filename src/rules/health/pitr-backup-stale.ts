import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import { type PitrModel, shellWord } from '../../health/pitr.js';

interface Options {
  maxAgeHours: number;
}

export default defineRule<PitrModel, Options>({
  id: 'health/pitr-backup-stale',
  category: 'health',
  model: 'pitr',
  defaultSeverity: 'error',
  summary:
    'No pgBackRest backup newer than the allowed age: recovery needs a long WAL replay, or is impossible',
  reportsOn: ['database'],
  docs: {
    why: 'A point-in-time restore starts from a backup and replays every archived WAL segment written since. Without a recent backup the replay takes hours and depends on every one of those segments being intact; without any backup there is nothing to recover from at all, however complete the WAL archive. Retention (repo1-retention-full) also expires old backups and the WAL they need, so the oldest recovery point moves forward while no new backup is taken. The rule fires when the stanza has no backup, or when the newest one ended more than `maxAgeHours` ago.',
    howToFix:
      "Take a backup now (`pgwarden pitr backup --stanza <name> --pgbackrest-config <file>`, which runs pgBackRest as the repository's owner), then schedule them: a full backup weekly and diff or incr backups daily, from cron or a systemd timer, as the server's OS account. Check that the schedule still runs with `pgwarden pitr status`.",
  },
  options: z.object({
    maxAgeHours: z
      .number()
      .positive()
      .default(26)
      .describe(
        'Age of the newest backup (hours since it ended) from which the rule fires: a daily schedule and some slack',
      ),
  }),
  check({ model, options, report }) {
    const fix = `pgwarden pitr backup --stanza ${shellWord(model.stanza)} --pgbackrest-config ${shellWord(model.configPath)} --type full`;
    const location = { object: model.stanza, kind: 'database' as const };
    const newest = model.newestBackup;
    if (!newest) {
      report({
        message: `stanza ${model.stanza} has no backup: there is nothing to restore from (${model.status.message})`,
        location,
        fix,
        evidence: { status: model.status, backups: model.backups.length },
      });
      return;
    }
    const hours = (Date.parse(model.now) - Date.parse(newest.stoppedAt)) / 3_600_000;
    if (hours <= options.maxAgeHours) return;
    report({
      message: `the newest backup of stanza ${model.stanza} (${newest.label}, ${newest.type}) ended ${hours.toFixed(1)} hours ago, more than ${options.maxAgeHours}`,
      location,
      fix,
      evidence: {
        label: newest.label,
        type: newest.type,
        stoppedAt: newest.stoppedAt,
        ageHours: Number(hours.toFixed(2)),
      },
    });
  },
});
