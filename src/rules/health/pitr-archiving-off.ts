import { defineRule } from '../../core/rule.js';
import { type PitrModel, serverChanges } from '../../health/pitr.js';

export default defineRule<PitrModel>({
  id: 'health/pitr-archiving-off',
  category: 'health',
  model: 'pitr',
  defaultSeverity: 'error',
  summary:
    'The server does not archive its WAL into the stanza: no point-in-time recovery past the last backup',
  reportsOn: ['database'],
  docs: {
    why: "A backup alone restores the database as it was when the backup ended. To recover to any later moment — just before a bad DELETE, a dropped table, a faulty deploy — every WAL segment since the backup must reach the repository, which takes wal_level = replica (or logical), archive_mode = on and an archive_command that pushes to the stanza. With any of the three missing, the repository silently holds backups that cannot be rolled forward, and pgBackRest's own backups fail to complete (they wait for the WAL they need).",
    howToFix:
      "Run the finding's ALTER SYSTEM statements as a superuser. archive_command takes effect on `SELECT pg_reload_conf()`; wal_level and archive_mode need a restart of the server. `pgwarden pitr setup` prints and (with --apply) runs the reload-only ones, then creates the stanza and checks archiving once the server is ready.",
  },
  check({ model, report }) {
    const server = model.server;
    if (!server || server.inRecovery) return;
    const changes = serverChanges(server, model.configPath, model.stanza);
    if (changes.length === 0) return;
    const restart = changes.some((change) => change.restart);
    report({
      message: `the server does not archive WAL into stanza ${model.stanza}: ${changes.map((c) => `${c.setting} is ${c.current === '' ? 'empty' : `'${c.current}'`}`).join(', ')}${restart ? ' (a restart is needed after the change)' : ''}`,
      location: { object: model.stanza, kind: 'database' },
      fix: [...changes.map((change) => change.sql), ...(restart ? [] : ['SELECT pg_reload_conf();'])].join(
        '\n',
      ),
      evidence: {
        changes: changes.map(({ setting, current, wanted, restart }) => ({
          setting,
          current,
          wanted,
          restart,
        })),
      },
    });
  },
});
