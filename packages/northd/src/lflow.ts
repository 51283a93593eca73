import type { Stage } from './stages.js';

/** Where a flow came from: the NB row (table and uuid) and the builder that made it. */
export interface Provenance {
  readonly nbTable?: string;
  readonly nbUuid?: string;
  readonly builder: string;
}

/** A logical flow of one datapath, before it is written to SB. */
export interface LFlow {
  readonly stage: Stage;
  readonly priority: number;
  readonly match: string;
  readonly actions: string;
  readonly provenance: Provenance;
}

/**
 * What builders write into. Builders return nothing and touch nothing else: they describe flows.
 * `builder` names the feature (e.g. 'ls-port-security'); `source` the NB row the flow derives from.
 */
export interface FlowSink {
  add(
    stage: Stage,
    priority: number,
    match: string,
    actions: string,
    source?: { readonly table: string; readonly uuid: string },
  ): void;
  /**
   * Reports bad user data on an NB row (e.g. an ACL match that does not parse). The row's flows
   * are left out; everything else still compiles.
   */
  report(source: { readonly table: string; readonly uuid: string }, problem: string): void;
}

/** A problem with an NB row, found while compiling it. */
export interface Diagnostic {
  readonly nbTable: string;
  readonly nbUuid: string;
  readonly builder: string;
  readonly problem: string;
}

/** Collects flows for one datapath, tagging each with the current builder's name. */
export class FlowList implements FlowSink {
  readonly flows: LFlow[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private builder = '';

  /** Runs `build` with flows attributed to `name`. */
  with(name: string, build: (sink: FlowSink) => void): this {
    const prev = this.builder;
    this.builder = name;
    try {
      build(this);
    } finally {
      this.builder = prev;
    }
    return this;
  }

  report(source: { table: string; uuid: string }, problem: string): void {
    this.diagnostics.push({
      nbTable: source.table,
      nbUuid: source.uuid,
      builder: this.builder,
      problem,
    });
  }

  add(
    stage: Stage,
    priority: number,
    match: string,
    actions: string,
    source?: { table: string; uuid: string },
  ): void {
    this.flows.push({ stage, priority, match, actions, provenance: this.provenance(source) });
  }

  /**
   * Flows of one builder and NB row share one provenance object (large networks have many). By
   * builder, then NB uuid: no key string is built per flow on this hot path.
   */
  private readonly provenances = new Map<string, Map<string, Provenance>>();
  private last: Provenance | undefined;

  private provenance(source: { table: string; uuid: string } | undefined): Provenance {
    // Builders add runs of flows for one row: the previous answer is usually right.
    const last = this.last;
    if (
      last &&
      last.builder === this.builder &&
      last.nbUuid === source?.uuid &&
      last.nbTable === source?.table
    )
      return last;
    let byRow = this.provenances.get(this.builder);
    if (!byRow) {
      byRow = new Map();
      this.provenances.set(this.builder, byRow);
    }
    const key = source ? source.uuid : '';
    let p = byRow.get(key);
    if (!p || p.nbTable !== source?.table) {
      p = source
        ? { nbTable: source.table, nbUuid: source.uuid, builder: this.builder }
        : { builder: this.builder };
      // One uuid names one row: a second table under the same uuid is not cached (never seen).
      if (!byRow.has(key)) byRow.set(key, p);
    }
    this.last = p;
    return p;
  }
}

/** The identity of a flow within its datapath: two flows with the same key are the same flow. */
export function flowKey(f: Pick<LFlow, 'stage' | 'priority' | 'match' | 'actions'>): string {
  return `${f.stage}\u0000${f.priority}\u0000${f.match}\u0000${f.actions}`;
}
