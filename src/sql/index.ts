export * from './ast.js';
export { statementObjects } from './objects.js';
export {
  fingerprint,
  loadParser,
  normalize,
  type ParsedSql,
  parseSql,
  parseSqlSync,
  positionOfAst,
  type SqlComment,
  type SqlStatement,
  type SqlSyntaxError,
  type StatementOrigin,
} from './parser.js';
export { type Position, SourceText } from './source-text.js';
