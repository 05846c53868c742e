import rule from '../../../src/rules/security/view-bypasses-rls.js';
import { defineCases } from '../../helpers/rule-tester.js';

const notes = `CREATE TABLE notes (id int, tenant_id uuid);
  CREATE POLICY t ON notes USING (tenant_id = current_setting('app.tenant_id')::uuid);
  ALTER TABLE notes ENABLE ROW LEVEL SECURITY`;

export default defineCases(rule, {
  valid: [
    {
      name: 'security_invoker; an owner the policies filter (not the owner, forced); a view over a table without RLS',
      security: `${notes}; CREATE VIEW a WITH (security_invoker = true) AS SELECT * FROM notes;
        CREATE ROLE c_reports NOLOGIN; GRANT SELECT ON notes TO c_reports;
        CREATE VIEW b AS SELECT * FROM notes; ALTER VIEW b OWNER TO c_reports;
        CREATE TABLE plain (id int); CREATE VIEW c AS SELECT * FROM plain`,
    },
  ],
  invalid: [
    {
      name: 'a view owned by the superuser, and a materialized view',
      security: `${notes}; CREATE VIEW all_notes AS SELECT * FROM notes;
        CREATE MATERIALIZED VIEW note_counts AS SELECT tenant_id, count(*) FROM notes GROUP BY 1`,
      findings: [
        { object: 'public.all_notes', fix: 'ALTER VIEW public.all_notes SET (security_invoker = true);' },
        {
          object: 'public.note_counts',
          fix: null,
          message: /materialized view public.note_counts reads public.notes as postgres, a superuser/,
        },
      ],
    },
  ],
});
