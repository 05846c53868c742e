import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { alterKeyword, relationSql, roleSql } from '../../security/sql.js';

export default defineRule<SecurityModel>({
  id: 'security/owned-by-login-role',
  category: 'security',
  model: 'security',
  defaultSeverity: 'info',
  summary: "Tables owned by a role that logs in and is not the schema's owner",
  reportsOn: ['table', 'view'],
  docs: {
    why: 'The owner of a table can drop, truncate and alter it, grant it to anyone, and bypasses its row level security unless it is forced. When the application logs in as the owner, one injected statement can do all of that. The usual safe shape is a NOLOGIN owner role (it owns the schema and its objects, migrations SET ROLE to it) and a login role with DML only. Objects owned by the schema’s own owner, by the bootstrap superuser, or by extensions are left out; sequences move with their tables. One finding per owner and schema.',
    howToFix:
      "ALTER TABLE … OWNER TO the schema's NOLOGIN owner for each object (the fix lists them when the schema's owner does not log in); otherwise create one — `pgwarden security generate app-role --owner app_owner` — and move the objects to it (REASSIGN OWNED BY login_role TO app_owner moves everything it owns in the database at once).",
  },
  check({ model, report }) {
    const groups = new Map<
      string,
      { owner: string; schema: string; objects: (typeof model.relations)[number][] }
    >();
    const owners = new Map(model.schemas.map((s) => [s.name, s.owner]));
    for (const relation of model.relations) {
      if (relation.kind === 'sequence') continue;
      const owner = model.role(relation.owner);
      if (!owner?.login || relation.owner === model.server.bootstrapRole) continue;
      if (owners.get(relation.schema) === relation.owner) continue;
      const key = `${relation.owner}\u0000${relation.schema}`;
      const group = groups.get(key) ?? { owner: relation.owner, schema: relation.schema, objects: [] };
      group.objects.push(relation);
      groups.set(key, group);
    }
    for (const { owner, schema, objects } of groups.values()) {
      const schemaOwner = owners.get(schema);
      const target = schemaOwner ? model.role(schemaOwner) : undefined;
      const movable = target !== undefined && !target.login && schemaOwner !== undefined;
      const names = objects.map((o) => o.name);
      report({
        message: `role ${owner} logs in and owns ${objects.length} object${objects.length > 1 ? 's' : ''} in schema ${schema} (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}): a session as it can drop, truncate and alter them and bypasses their row level security unless forced`,
        location: { object: `${schema}.${objects[0]!.name}`, kind: 'table' },
        fix: movable
          ? objects
              .map((o) => `ALTER ${alterKeyword(o.kind)} ${relationSql(o)} OWNER TO ${roleSql(schemaOwner)};`)
              .join('\n')
          : null,
        evidence: { owner, schema, schemaOwner: schemaOwner ?? null, objects: names },
      });
    }
  },
});
