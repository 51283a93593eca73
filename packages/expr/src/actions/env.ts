// What an action list is parsed against: the symbol table, where the flow sits in the logical
// pipelines, and the option catalogs of put_dhcp_opts & co.

import { ovnSymbolTable, type SymbolTable } from '../symbols.js';
import type { Pipeline } from './ast.js';
import {
  CONTROLLER_EVENTS,
  DHCPV4_OPTIONS,
  DHCPV6_OPTIONS,
  type GenericOption,
  ND_RA_OPTIONS,
} from './dhcp-options.js';

/** Number of logical tables in OVN's ingress and egress pipelines. */
export const OVN_PIPELINE_LENGTHS: Readonly<Record<Pipeline, number>> = Object.freeze({
  ingress: 35,
  egress: 16,
});

export interface ActionEnv {
  /** Default: OVN's symbol table. */
  readonly symbols?: SymbolTable;
  /** Pipeline of the flow the actions belong to. Default: ingress. */
  readonly pipeline?: Pipeline;
  /** Logical table of the flow within its pipeline. Default: 0. */
  readonly table?: number;
  /**
   * Number of tables `next` and the conntrack actions may use from this flow (OVN's n_tables):
   * 0 forbids `next` entirely. Default: the length of the flow's pipeline.
   */
  readonly tableCount?: number;
  /** Length of each pipeline, which bounds `next(N)`. Default: OVN's. */
  readonly pipelineLengths?: Readonly<Record<Pipeline, number>>;
  readonly dhcpOptions?: readonly GenericOption<string>[];
  readonly dhcpv6Options?: readonly GenericOption<string>[];
  readonly ndRaOptions?: readonly GenericOption<string>[];
  /** Controller events for trigger_event, with their options. */
  readonly events?: Readonly<Record<string, readonly GenericOption<string>[]>>;
}

/** An ActionEnv with every default filled in and the catalogs indexed by name. */
export interface ResolvedActionEnv {
  readonly symbols: SymbolTable;
  readonly pipeline: Pipeline;
  readonly table: number;
  readonly tableCount: number;
  readonly pipelineLengths: Readonly<Record<Pipeline, number>>;
  readonly dhcpOptions: ReadonlyMap<string, GenericOption<string>>;
  readonly dhcpv6Options: ReadonlyMap<string, GenericOption<string>>;
  readonly ndRaOptions: ReadonlyMap<string, GenericOption<string>>;
  readonly events: ReadonlyMap<string, ReadonlyMap<string, GenericOption<string>>>;
}

const byName = <T extends { readonly name: string }>(xs: readonly T[]): ReadonlyMap<string, T> =>
  new Map(xs.map((x) => [x.name, x]));

// Indexing the default catalogs once keeps parsing of many small action lists cheap.
const DEFAULT_DHCP = byName(DHCPV4_OPTIONS);
const DEFAULT_DHCPV6 = byName(DHCPV6_OPTIONS);
const DEFAULT_ND_RA = byName(ND_RA_OPTIONS);
const indexEvents = (events: Readonly<Record<string, readonly GenericOption<string>[]>>) =>
  new Map(Object.entries(events).map(([name, opts]) => [name, byName(opts)]));
const DEFAULT_EVENTS = indexEvents(CONTROLLER_EVENTS);

const cache = new WeakMap<ActionEnv, ResolvedActionEnv>();

export function resolveActionEnv(env: ActionEnv = {}): ResolvedActionEnv {
  const hit = cache.get(env);
  if (hit) return hit;
  const pipeline = env.pipeline ?? 'ingress';
  const pipelineLengths = env.pipelineLengths ?? OVN_PIPELINE_LENGTHS;
  const resolved: ResolvedActionEnv = {
    symbols: env.symbols ?? ovnSymbolTable,
    pipeline,
    table: env.table ?? 0,
    tableCount: env.tableCount ?? pipelineLengths[pipeline],
    pipelineLengths,
    dhcpOptions: env.dhcpOptions ? byName(env.dhcpOptions) : DEFAULT_DHCP,
    dhcpv6Options: env.dhcpv6Options ? byName(env.dhcpv6Options) : DEFAULT_DHCPV6,
    ndRaOptions: env.ndRaOptions ? byName(env.ndRaOptions) : DEFAULT_ND_RA,
    events: env.events ? indexEvents(env.events) : DEFAULT_EVENTS,
  };
  cache.set(env, resolved);
  return resolved;
}
