import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { roleSql } from '../../security/sql.js';

export default defineRule<SecurityModel>({
  id: 'security/untrusted-language',
  category: 'security',
  model: 'security',
  defaultSeverity: 'warning',
  summary: 'An untrusted procedural language is installed (plpython3u, plperlu, pltclu …)',
  reportsOn: ['extension'],
  docs: {
    why: 'Code in an untrusted language runs with the full power of the operating-system account of the server: it can read and write any file, open network connections and run programs. Only superusers can create functions in it, but every such function is a way out of the database, and a SECURITY DEFINER one lends that to its callers. The CIS benchmark asks for none unless justified.',
    howToFix:
      'Drop the language when nothing uses it (DROP EXTENSION plpython3u, or DROP LANGUAGE). Otherwise review its functions, make sure none is SECURITY DEFINER or executable by PUBLIC, and keep the justification.',
  },
  check({ model, report }) {
    for (const language of model.languages) {
      if (!language.procedural || language.trusted) continue;
      report({
        message: `untrusted language ${language.name} is installed${language.functions > 0 ? ` and ${language.functions} function${language.functions > 1 ? 's use' : ' uses'} it` : ''}: its code runs with the full power of the server's operating-system account`,
        location: { object: language.name, kind: 'extension' },
        fix:
          language.functions > 0
            ? null
            : language.extension
              ? `DROP EXTENSION ${roleSql(language.extension)};`
              : `DROP LANGUAGE ${roleSql(language.name)};`,
        evidence: { language: language.name, extension: language.extension, functions: language.functions },
      });
    }
  },
});
