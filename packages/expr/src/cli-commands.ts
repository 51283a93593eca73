// Pure functions behind `ovn-ts expr …` (the commander wiring lives in the cli package).
//
//   parseExprEnvArgs({ port, addressSet, portGroup, chassisResident }) → environment
//   exprParse(input, env)  → "ok <canonical normalized match>" | "error <message>"
//   exprFlows(input, env)  → one line per datapath match, then one `conj_id=N` line per
//                            conjunction; "error <message>" on failure; "(no flows)" if none.

import type { CompiledMatches, DatapathMatch } from './compile.js';
import { formatFieldValue } from './core.js';
import { lexToken } from './lexer.js';
import { compileMatch, type MatchEnv, normalizeMatch } from './match.js';
import { err, ok, type Result } from './result.js';
import { ovnSymbolTable, type SymbolTable } from './symbols.js';

/** Environment for the expr commands: names the match may use, plus compile options. */
export interface ExprCommandEnv extends MatchEnv {
  readonly symtab?: SymbolTable;
  /** First conjunction id (default 1). */
  readonly firstConjId?: number;
  /** Conjunctive matches: see CompileOptions.conjunctions (default true). */
  readonly conjunctions?: boolean | 'always';
}

/** Raw repeatable option values, as commander collects them. */
export interface ExprEnvArgs {
  /** `NAME=KEY` (decimal or 0x hex). */
  readonly port?: readonly string[];
  /** `NAME=V1,V2,…` (IPv4/IPv6/MAC/integer constants, optionally masked; may be empty). */
  readonly addressSet?: readonly string[];
  /** `NAME=P1,P2,…` (logical port names; may be empty). */
  readonly portGroup?: readonly string[];
  /** `PORT`: ports resident on this chassis. */
  readonly chassisResident?: readonly string[];
}

function splitAssignment(option: string, arg: string, what: string): Result<[string, string]> {
  const eq = arg.indexOf('=');
  const name = eq < 0 ? '' : arg.slice(0, eq).trim();
  if (eq < 0 || name === '') return err(`${option} ${arg}: expecting NAME=${what}`, 0);
  return ok([name, arg.slice(eq + 1).trim()]);
}

const listOf = (s: string): string[] =>
  s === ''
    ? []
    : s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '');

/** Parses the `--port`, `--address-set`, `--port-group` and `--chassis-resident` options. */
export function parseExprEnvArgs(args: ExprEnvArgs): Result<ExprCommandEnv> {
  const ports = new Map<string, bigint>();
  for (const a of args.port ?? []) {
    const r = splitAssignment('--port', a, 'KEY');
    if (!r.ok) return r;
    const [name, key] = r.value;
    if (!/^(0|[1-9][0-9]*|0[xX][0-9a-fA-F]+)$/.test(key)) {
      return err(`--port ${a}: key must be a decimal or 0x-prefixed hex integer`, 0);
    }
    ports.set(name, BigInt(key));
  }
  const addressSets = new Map<string, string[]>();
  for (const a of args.addressSet ?? []) {
    const r = splitAssignment('--address-set', a, 'V1,V2,…');
    if (!r.ok) return r;
    const [name, list] = r.value;
    const values = listOf(list);
    for (const v of values) {
      const t = lexToken(v, 0);
      const rest = t.type === 'end' ? t : lexToken(v, t.end);
      if ((t.type !== 'integer' && t.type !== 'maskedInteger') || rest.type !== 'end') {
        return err(`--address-set ${name}: \`${v}' is not an address or integer constant`, 0);
      }
    }
    addressSets.set(name, values);
  }
  const portGroups = new Map<string, string[]>();
  for (const a of args.portGroup ?? []) {
    const r = splitAssignment('--port-group', a, 'P1,P2,…');
    if (!r.ok) return r;
    portGroups.set(r.value[0], listOf(r.value[1]));
  }
  const resident = new Set(args.chassisResident ?? []);
  return ok({
    ports,
    addressSets,
    portGroups,
    isChassisResident: (port: string) => resident.has(port),
  });
}

/** `ok <normalized match>` or `error <message>`. */
export function exprParse(input: string, env: ExprCommandEnv = {}): string {
  const r = normalizeMatch(input, env, env.symtab ?? ovnSymbolTable);
  return r.ok ? `ok ${r.value}` : `error ${r.error.message}`;
}

/** One datapath match in text: `reg14=0x1,eth.src=00:00:00:00:00:01 conjunction(1,1/2)`. */
export function formatDatapathMatch(
  m: DatapathMatch,
  symtab: SymbolTable = ovnSymbolTable,
): string {
  const fields =
    m.fields.length === 0
      ? '*'
      : m.fields
          .map((f) => `${f.field}=${formatFieldValue(symtab, f.field, f.value, f.mask)}`)
          .join(',');
  if (m.conjunctions.length === 0) return fields;
  const conj = m.conjunctions.map((c) => `conjunction(${c.id},${c.clause}/${c.nClauses})`);
  return `${fields} ${conj.join(',')}`;
}

/** All lines for compiled matches: each match, then `conj_id=N` for each conjunction. */
export function formatCompiledMatches(
  c: CompiledMatches,
  symtab: SymbolTable = ovnSymbolTable,
): string[] {
  if (c.matches.length === 0) return ['(no flows)'];
  return [
    ...c.matches.map((m) => formatDatapathMatch(m, symtab)),
    ...c.conjIds.map((id) => `conj_id=${id}`),
  ];
}

/** The datapath matches of a match expression, one per line (see formatCompiledMatches). */
export function exprFlows(input: string, env: ExprCommandEnv = {}): string[] {
  const symtab = env.symtab ?? ovnSymbolTable;
  const r = compileMatch(input, env, {
    symtab,
    ...(env.firstConjId !== undefined ? { firstConjId: env.firstConjId } : {}),
    ...(env.conjunctions !== undefined ? { conjunctions: env.conjunctions } : {}),
  });
  return r.ok ? formatCompiledMatches(r.value, symtab) : [`error ${r.error.message}`];
}
