import rule from '../../../src/rules/security/public-schema-create.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'PostgreSQL 15 defaults, and CREATE granted to one role',
      security: `CREATE ROLE c_owner NOLOGIN; CREATE SCHEMA app; GRANT CREATE ON SCHEMA app TO c_owner`,
    },
  ],
  invalid: [
    {
      name: 'CREATE granted back to PUBLIC',
      security: `GRANT CREATE ON SCHEMA public TO PUBLIC; CREATE SCHEMA app; GRANT ALL ON SCHEMA app TO PUBLIC`,
      findings: [
        { object: 'app', fix: 'REVOKE CREATE ON SCHEMA app FROM PUBLIC;' },
        { object: 'public', fix: 'REVOKE CREATE ON SCHEMA public FROM PUBLIC;' },
      ],
    },
  ],
});
