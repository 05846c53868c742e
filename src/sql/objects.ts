import type { IndexStmt, RangeVar } from 'libpg-query';
import { asNode, type Node, nodeKind, qualify, rangeVarName, stringValues } from './ast.js';

/**
 * The objects (`schema.name`) a statement creates or alters, so that findings about those objects can be
 * traced back to the statement (for inline ignores and for locating schema findings in DDL files).
 */
export function statementObjects(ast: Node): string[] {
  const kind = nodeKind(ast);
  if (!kind) return [];
  const payload = asNode<Record<string, unknown>>(ast, kind)!;
  const relation = (value: unknown) => {
    const name = rangeVarName(value as RangeVar | undefined);
    return name ? [qualify(name)] : [];
  };
  switch (kind) {
    case 'CreateStmt':
    case 'AlterTableStmt':
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
    case 'CreateTrigStmt':
    case 'RuleStmt':
      return relation(payload.relation ?? payload.table);
    case 'IndexStmt': {
      const index = payload as IndexStmt;
      const table = rangeVarName(index.relation);
      if (!table) return [];
      const objects = [qualify(table)];
      if (index.idxname) objects.push(qualify({ schema: table.schema, name: index.idxname }));
      return objects;
    }
    case 'CreateTableAsStmt':
      return relation(
        asNode<{ rel?: RangeVar }>(payload.into, 'IntoClause')?.rel ??
          (payload.into as { rel?: RangeVar })?.rel,
      );
    case 'ViewStmt':
      return relation(payload.view);
    case 'CreateSeqStmt':
    case 'AlterSeqStmt':
      return relation(payload.sequence);
    case 'CreateSchemaStmt':
      return typeof payload.schemaname === 'string' ? [payload.schemaname] : [];
    case 'CreateEnumStmt':
    case 'CompositeTypeStmt':
    case 'CreateDomainStmt': {
      const names = stringValues((payload.typeName ?? payload.domainname) as Node[] | undefined);
      if (kind === 'CompositeTypeStmt') return relation(payload.typevar);
      return names.length > 0 ? [names.length > 1 ? names.join('.') : `public.${names[0]}`] : [];
    }
    case 'CreateFunctionStmt': {
      const names = stringValues(payload.funcname as Node[] | undefined);
      return names.length > 0 ? [names.length > 1 ? names.join('.') : `public.${names[0]}`] : [];
    }
    default:
      return [];
  }
}
