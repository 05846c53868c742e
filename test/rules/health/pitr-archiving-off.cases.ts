import rule from '../../../src/rules/health/pitr-archiving-off.js';
import { archivingServer, PITR_CONFIG, pitrModel } from '../../helpers/pitr-model.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'archiving into the stanza', model: pitrModel() },
    {
      name: 'a quoted config path and archive_mode always',
      model: pitrModel({
        server: archivingServer({
          archiveMode: 'always',
          archiveCommand: `/usr/bin/pgbackrest '--config=${PITR_CONFIG}' --stanza=demo archive-push %p`,
        }),
      }),
    },
    {
      name: 'a standby',
      model: pitrModel({ server: archivingServer({ archiveMode: 'off', inRecovery: true }) }),
    },
  ],
  invalid: [
    {
      name: 'archive_command pushes to another stanza',
      model: pitrModel({
        server: archivingServer({ archiveCommand: 'pgbackrest --stanza=demo2 archive-push %p' }),
      }),
      findings: [
        {
          object: 'demo',
          severity: 'error',
          fix: `ALTER SYSTEM SET archive_command = 'pgbackrest --config=${PITR_CONFIG} --stanza=demo archive-push %p';\nSELECT pg_reload_conf();`,
        },
      ],
    },
    {
      name: 'wal_level minimal and archive_mode off: a restart',
      model: pitrModel({
        server: archivingServer({ walLevel: 'minimal', archiveMode: 'off', archiveCommand: '(disabled)' }),
      }),
      findings: [
        {
          message:
            /wal_level is 'minimal', archive_mode is 'off', archive_command is '\(disabled\)' \(a restart is needed after the change\)$/,
          fix: /^ALTER SYSTEM SET wal_level = 'replica';\nALTER SYSTEM SET archive_mode = 'on';\nALTER SYSTEM SET archive_command = .*;$/,
        },
      ],
    },
  ],
});
