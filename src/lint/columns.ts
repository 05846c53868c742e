import type { ColumnDeclaration, ColumnsModel } from '../lint/columns-model.js';
import { asNode, type Node, qualify, type RangeVar, rangeVarName } from '../sql/ast.js';
import { type ParsedSql, positionOfAst, type SqlStatement } from '../sql/parser.js';
import { SERIAL_TYPES, typeRef } from '../sql/types.js';

function declaration(
  parsed: ParsedSql,
  statement: SqlStatement,
  table: string,
  def: Record<string, unknown>,
  primaryKeys: ReadonlySet<string>,
): ColumnDeclaration | undefined {
  const column = typeof def.colname === 'string' ? def.colname : undefined;
  const type = typeRef(def.typeName);
  if (!column || !type) return undefined;
  const constraints = ((def.constraints as Node[] | undefined) ?? []).map(
    (n) => asNode<Record<string, unknown>>(n, 'Constraint') ?? {},
  );
  const position = positionOfAst(
    parsed,
    statement,
    typeof def.location === 'number' ? def.location : undefined,
  );
  return {
    table,
    column,
    type,
    primaryKey: primaryKeys.has(column) || constraints.some((c) => c.contype === 'CONSTR_PRIMARY'),
    ...(primaryKeys.has(column)
      ? { primaryKeyColumns: primaryKeys.size }
      : constraints.some((c) => c.contype === 'CONSTR_PRIMARY')
        ? { primaryKeyColumns: 1 }
        : {}),
    identity: constraints.some((c) => c.contype === 'CONSTR_IDENTITY'),
    serial: SERIAL_TYPES[type.name] !== undefined,
    location: { file: parsed.file, line: position.line, column: position.column },
    source: 'sql',
  };
}

/** The columns a SQL file declares: CREATE TABLE columns, ADD COLUMN, and ALTER COLUMN … TYPE (the new type). */
export function columnsFromSql(parsed: ParsedSql): ColumnsModel {
  const columns: ColumnDeclaration[] = [];
  for (const statement of parsed.statements) {
    const create = asNode<{ relation?: RangeVar; tableElts?: Node[] }>(statement.ast, 'CreateStmt');
    if (create) {
      const name = rangeVarName(create.relation);
      if (!name) continue;
      const table = qualify(name);
      const primaryKeys = new Set<string>();
      for (const element of create.tableElts ?? []) {
        const constraint = asNode<{ contype?: string; keys?: Node[] }>(element, 'Constraint');
        if (constraint?.contype === 'CONSTR_PRIMARY') {
          for (const key of constraint.keys ?? []) {
            const value = asNode<{ sval?: string }>(key, 'String')?.sval;
            if (value) primaryKeys.add(value);
          }
        }
      }
      for (const element of create.tableElts ?? []) {
        const def = asNode<Record<string, unknown>>(element, 'ColumnDef');
        const found = def ? declaration(parsed, statement, table, def, primaryKeys) : undefined;
        if (found) columns.push(found);
      }
      continue;
    }
    const alter = asNode<{ relation?: RangeVar; cmds?: Node[] }>(statement.ast, 'AlterTableStmt');
    if (!alter) continue;
    const name = rangeVarName(alter.relation);
    if (!name) continue;
    for (const node of alter.cmds ?? []) {
      const cmd = asNode<{ subtype?: string; name?: string; def?: Node }>(node, 'AlterTableCmd');
      const def = asNode<Record<string, unknown>>(cmd?.def, 'ColumnDef');
      if (!cmd || !def) continue;
      if (cmd.subtype === 'AT_AddColumn' || cmd.subtype === 'AT_AlterColumnType') {
        const found = declaration(
          parsed,
          statement,
          qualify(name),
          cmd.subtype === 'AT_AddColumn' ? def : { ...def, colname: cmd.name },
          new Set(),
        );
        if (found) columns.push(found);
      }
    }
  }
  return { columns };
}
