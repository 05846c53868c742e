import { defineRule } from '../../core/rule.js';
import type { HealthFacts } from '../../health/model.js';
import { quoteIdent } from '../../sql/quote.js';

export default defineRule<HealthFacts>({
  id: 'health/extension-outdated',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: "Installed extension older than the server's extension files",
  reportsOn: ['database'],
  docs: {
    why: "Upgrading PostgreSQL or an extension's package replaces the extension's library and files, but each database keeps the version its objects were created at (pg_extension.extversion) until someone runs ALTER EXTENSION … UPDATE. The new library then runs with the old SQL objects: fixes and security changes of the SQL part (function signatures, privileges, search_path hardening) are missing, and a later major upgrade may have to step through many versions at once. The rule compares each installed version with the default version of the files the server has (pg_available_extensions) and says whether they hold an update path.",
    howToFix:
      "Run the fix (`ALTER EXTENSION name UPDATE;`) in this database, at a quiet time: it runs the extension's update scripts, which may take strong locks on the extension's objects (and rebuild some). Read the extension's release notes first. When the files hold no path from the installed version, the extension's package is older or newer than the database's objects: install the matching package. Applies to every supported PostgreSQL.",
  },
  check({ model, report }) {
    for (const extension of model.outdatedExtensions) {
      report({
        message: `extension ${extension.name} is installed at version ${extension.installed}; the server's files default to ${extension.available}${extension.updatable ? '' : `, and hold no update path from ${extension.installed}`}`,
        location: { object: `extension ${extension.name}`, kind: 'database' },
        severity: extension.updatable ? 'warning' : 'info',
        ...(extension.updatable ? { fix: `ALTER EXTENSION ${quoteIdent(extension.name)} UPDATE;` } : {}),
        evidence: { ...extension },
      });
    }
  },
});
