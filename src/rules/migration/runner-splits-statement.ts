import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { locationOf } from '../../lint/rule-helpers.js';

export default defineRule<MigrationModel>({
  id: 'migration/runner-splits-statement',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'The migration runner cuts a statement at a semicolon inside it',
  reportsOn: 'file',
  docs: {
    why: 'goose does not parse SQL: outside a `-- +goose StatementBegin` … `-- +goose StatementEnd` block it ends a statement at every line whose last word ends in `;`, inside quotes and dollar-quoted bodies too. A function or DO block written over several lines is then sent in pieces, and PostgreSQL rejects the first one ("unterminated dollar-quoted string", or a syntax error): the migration fails when it is deployed, although the file is valid SQL and runs with psql.',
    howToFix:
      'Put the statement between `-- +goose StatementBegin` and `-- +goose StatementEnd` (goose sends a block as one string), or write it so that no line inside it ends in `;`.',
    examples: {
      bad: '-- +goose Up\nCREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$$;',
      good: '-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$$;\n-- +goose StatementEnd',
    },
  },
  check({ model, report }) {
    if (model.runnerCuts.length === 0) return;
    const source = model.parsed.source;
    for (const analyzed of model.statements) {
      if (analyzed.embeddedIn) continue;
      const { start, end } = analyzed.statement;
      const cut = model.runnerCuts.find((at) => at > start.offset && at < end.offset);
      if (cut === undefined) continue;
      report({
        message: `goose ends this statement at line ${source.positionAt(cut).line}, where a line inside it ends in ";", and sends each piece on its own: PostgreSQL rejects them and the migration fails`,
        location: locationOf(model, analyzed),
        fix: `-- +goose StatementBegin\n${analyzed.statement.text};\n-- +goose StatementEnd`,
      });
    }
  },
});
