// @ovn-ts/expr: OVN's match and action language (pure: no I/O, no clock).
// Matches: parseMatch → annotate → simplify → normalize → compileMatches; evaluate at any stage.
// (compileMatch / normalizeMatch run the whole pipeline on a text.) Actions: see ./actions.

// Actions: parseActions → (validated tree, prerequisites) → formatActions; exprActions for the CLI.
export * from './actions/index.js';
export { annotate, relationalPatterns, type SetEnv } from './annotate.js';
export {
  astAnd,
  astBool,
  astChassisResident,
  astCompare,
  astNot,
  astOr,
  type Constant,
  type ConstantSet,
  type FieldRef,
  invertRelop,
  type MatchAst,
  type MatchAstKind,
  type Relop,
  turnRelop,
} from './ast.js';
export {
  type ExprCommandEnv,
  type ExprEnvArgs,
  exprFlows,
  exprParse,
  formatCompiledMatches,
  formatDatapathMatch,
  parseExprEnvArgs,
} from './cli-commands.js';
export {
  type CompiledMatches,
  type CompileOptions,
  type ConjunctionRef,
  compileMatches,
  type DatapathMatch,
  evaluateMatches,
  type FieldMatch,
  flowCount,
  resolveEnv,
} from './compile.js';
export {
  andExpr,
  boolExpr,
  cmpExpr,
  condExpr,
  type EvalEnv,
  type Expr,
  type ExprKind,
  evaluate,
  formatExpr,
  formatFieldValue,
  negate,
  orExpr,
  type Packet,
  strExpr,
} from './core.js';
export {
  describeTokenType,
  formatToken,
  type IntegerToken,
  lexToken,
  type MaskedIntegerToken,
  type PunctuationToken,
  type PunctuationType,
  quoteString,
  type TextToken,
  type Token,
  TokenStream,
  type TokenType,
  tokenize,
} from './lexer.js';
export {
  compileMatch,
  type MatchEnv,
  matchesPacket,
  normalizeMatch,
  parseExpr,
} from './match.js';
export {
  type Clause,
  formatNormalized,
  type Normalized,
  type NormalizeOptions,
  normalize,
  normalizedToExpr,
  type StringConstraint,
} from './normalize.js';
export { type Level, parseMatch, symbolLevel } from './parser.js';
export {
  attempt,
  type ExprError,
  ExprFailure,
  err,
  formatError,
  ok,
  type Result,
  unwrap,
} from './result.js';
export { simplify } from './simplify.js';
export {
  type BaseSegment,
  type CompositeSymbol,
  CT_STATE_BITS,
  composite,
  createSymbolTable,
  type ExprSymbol,
  type FieldLevel,
  type FieldSymbol,
  field,
  type IntegerSymbol,
  LOGICAL_FLAG_BITS,
  LOGICAL_REGISTERS,
  ovnSymbolDefinitions,
  ovnSymbolTable,
  type PredicateSymbol,
  predicate,
  resolveSubfield,
  type StringSymbol,
  type SubfieldSymbol,
  type SymbolTable,
  stringField,
  subfield,
  type WriteScope,
  writeScope,
} from './symbols.js';
export type { MaskedValue, ValueSet } from './value-set.js';
export {
  formatIpv4,
  formatIpv6,
  formatMac,
  formatMasked,
  formatValue,
  ones,
  parseIpv4,
  parseIpv6,
  parseMac,
  prefixLength,
  prefixMask,
  type ValueFormat,
} from './values.js';
