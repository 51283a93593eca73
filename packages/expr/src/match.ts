// The whole pipeline for one match text: parse → annotate → (simplify → normalize) → compile.

import { annotate, type SetEnv } from './annotate.js';
import { type CompiledMatches, type CompileOptions, compileMatches } from './compile.js';
import { type EvalEnv, type Expr, evaluate, type Packet } from './core.js';
import { formatNormalized, normalize } from './normalize.js';
import { parseMatch } from './parser.js';
import { attempt, type Result, unwrap } from './result.js';
import { ovnSymbolTable, type SymbolTable } from './symbols.js';

/** Everything a match can refer to outside itself. */
export interface MatchEnv extends SetEnv, EvalEnv {}

/** Parses and annotates a match text into an Expr over base fields. */
export function parseExpr(
  text: string,
  env: SetEnv = {},
  symtab: SymbolTable = ovnSymbolTable,
): Result<Expr> {
  return attempt(() => unwrap(annotate(unwrap(parseMatch(text, symtab)), symtab, env)));
}

/** Parses, annotates and normalizes a match; returns its canonical text. */
export function normalizeMatch(
  text: string,
  env: SetEnv = {},
  symtab: SymbolTable = ovnSymbolTable,
): Result<string> {
  return attempt(() => {
    const e = unwrap(parseExpr(text, env, symtab));
    return formatNormalized(unwrap(normalize(e, symtab)), symtab);
  });
}

/** Parses a match text and compiles it to datapath matches. */
export function compileMatch(
  text: string,
  env: MatchEnv = {},
  options: CompileOptions = {},
): Result<CompiledMatches> {
  const symtab = options.symtab ?? ovnSymbolTable;
  return attempt(() => unwrap(compileMatches(unwrap(parseExpr(text, env, symtab)), env, options)));
}

/** Whether a packet (base-field values) satisfies a match text; for tests and tracing. */
export function matchesPacket(
  text: string,
  packet: Packet,
  env: MatchEnv = {},
  symtab: SymbolTable = ovnSymbolTable,
): Result<boolean> {
  const e = parseExpr(text, env, symtab);
  return e.ok ? { ok: true, value: evaluate(e.value, packet, env, symtab) } : e;
}
