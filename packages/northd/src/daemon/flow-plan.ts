import type { DatapathResult } from '../engine/desired.js';
import type { LFlow } from '../lflow.js';
import { flowHash } from './flow-hash.js';
import type { SbMirror } from './sb-mirror.js';

/**
 * Which logical_flow rows to add and remove so that SB holds each datapath's flows, either as the
 * datapath's own rows or through logical datapath groups (a flow identical on several datapaths
 * written once, with the group of those datapaths, as OVN does).
 *
 * Pure: it reads the mirror (what SB holds) and returns a plan; the SB writer applies it.
 *
 * Grouping follows simple rules, so that the cost of a change does not grow with the network:
 * - Only flows made from no NB row (a pipeline's fixed flows) are grouped; flows of one NB row
 *   are in practice on one datapath.
 * - A full recompute (or the first write) groups globally: each set of two or more datapaths
 *   that share such flows gets one group holding all of them; groups already in SB with the same
 *   members and flows are kept.
 * - An incremental change keeps a changed datapath in each of its groups while it still wants all
 *   of that group's flows, else takes it out; it joins an existing group (found through the
 *   group's flows) whose flows it all wants; every other flow is its own row.
 * - Without groups (the option is off), every flow is its own row and datapaths leave all groups.
 */
export interface FlowPlan {
  /** Own rows to add: datapath NB uuid, flow key, flow. */
  readonly insert: Array<[string, number, LFlow]>;
  /** Own rows to remove: datapath NB uuid, flow key. */
  readonly delete: Array<[string, number]>;
  /** Groups to remove, with their flows. */
  readonly deleteGroups: string[];
  /** [group uuid, datapath NB uuid] memberships to end / to add. */
  readonly leave: Array<[string, string]>;
  readonly join: Array<[string, string]>;
  /** Groups to create: their members (NB uuids) and flows. */
  readonly newGroups: Array<{ members: string[]; flows: Array<[number, LFlow]> }>;
}

export function hashOf(f: LFlow): number {
  return flowHash(
    f.stage,
    f.priority,
    f.match,
    f.actions,
    f.provenance.builder,
    f.provenance.nbUuid,
  );
}

/** Flows that may be shared through a group: those made from no particular NB row. */
export function groupable(f: LFlow): boolean {
  return f.provenance.nbUuid === undefined;
}

export class FlowPlanner {
  /** Datapath NB uuid → keys of all the flows it wants. */
  private readonly want = new Map<string, Set<number>>();
  /** Flows it wants that SB does not hold as its own rows (not groupable ones). */
  private readonly missing = new Map<string, Map<number, LFlow>>();
  /** Groupable flows: key → one copy of the flow and the datapaths that want it, in order. */
  private readonly shared = new Map<number, { flow: LFlow; dps: string[] }>();

  constructor(
    private readonly mirror: SbMirror,
    private readonly opts: {
      readonly groups: boolean;
      readonly full: boolean;
      /** Datapaths being removed (their memberships go by cascade). */
      readonly removed: readonly string[];
    },
  ) {}

  /**
   * Takes one datapath's result (its flows are not kept, only their keys and what must be
   * written). Returns the flows that will certainly be this datapath's own new rows, so that a
   * streaming writer may send them at once; pass `take` to have them left out of finish().
   */
  add(r: DatapathResult, take = false): Array<[number, LFlow]> {
    const dp = r.datapath.nbUuid;
    const have = this.mirror.flows.get(dp);
    const want = new Set<number>();
    const missing = new Map<number, LFlow>();
    for (const f of r.flows) {
      const k = hashOf(f);
      if (want.has(k)) continue;
      want.add(k);
      if (this.opts.groups && groupable(f)) {
        const s = this.shared.get(k);
        if (s) s.dps.push(dp);
        else this.shared.set(k, { flow: f, dps: [dp] });
      } else if (!have?.has(k)) missing.set(k, f);
    }
    this.want.set(dp, want);
    this.missing.set(dp, take ? new Map() : missing);
    return [...missing];
  }

  finish(): FlowPlan {
    const plan: FlowPlan = {
      insert: [],
      delete: [],
      deleteGroups: [],
      leave: [],
      join: [],
      newGroups: [],
    };
    const m = this.mirror;
    /** Datapath → flow keys it gets through groups. */
    const covered = new Map<string, Set<number>>();
    const cover = (dp: string, keys: Iterable<number>) => {
      let c = covered.get(dp);
      if (!c) {
        c = new Set();
        covered.set(dp, c);
      }
      for (const k of keys) c.add(k);
    };
    const leaving = new Map<string, Set<string>>();
    const leave = (g: string, dp: string, statement: boolean) => {
      let l = leaving.get(g);
      if (!l) {
        l = new Set();
        leaving.set(g, l);
      }
      l.add(dp);
      if (statement) plan.leave.push([g, dp]);
    };
    for (const dp of this.opts.removed)
      for (const g of m.groupsOfDp.get(dp) ?? []) leave(g, dp, false);

    if (this.opts.full) {
      // Datapaths not in a full result are gone: their memberships end with them.
      const desired = new Map<string, { members: string[]; keys: number[] }>();
      if (this.opts.groups)
        for (const [k, s] of this.shared) {
          if (s.dps.length < 2) continue;
          const sig = [...s.dps].sort().join(',');
          const d = desired.get(sig);
          if (d) d.keys.push(k);
          else desired.set(sig, { members: s.dps, keys: [k] });
        }
      for (const [g, state] of m.dpGroups) {
        const members = [...state.members].filter((dp) => this.want.has(dp)).sort();
        const d = desired.get(members.join(','));
        const same =
          d && d.keys.length === state.flows.size && d.keys.every((k) => state.flows.has(k));
        if (!same) {
          plan.deleteGroups.push(g);
          continue;
        }
        desired.delete(members.join(','));
        for (const dp of members) cover(dp, state.flows.keys());
      }
      for (const d of desired.values()) {
        plan.newGroups.push({
          members: d.members,
          flows: d.keys.map((k) => [k, this.shared.get(k)!.flow]),
        });
        for (const dp of d.members) cover(dp, d.keys);
      }
    } else {
      // First every membership that ends, then joins (never into a group being left or removed).
      for (const [dp, want] of this.want) {
        for (const g of m.groupsOfDp.get(dp) ?? []) {
          const state = m.dpGroups.get(g)!;
          if (this.opts.groups && [...state.flows.keys()].every((k) => want.has(k)))
            cover(dp, state.flows.keys());
          else leave(g, dp, true);
        }
      }
      if (this.opts.groups)
        for (const [dp, want] of this.want) {
          // Join a group whose flows this datapath all wants (and gets from no other group).
          const tried = new Set<string>();
          for (const k of want) {
            if (covered.get(dp)?.has(k)) continue;
            for (const g of m.groupsOfFlow.get(k) ?? []) {
              if (tried.has(g)) continue;
              tried.add(g);
              const state = m.dpGroups.get(g)!;
              if (state.members.has(dp) || leaving.has(g)) continue;
              const c = covered.get(dp);
              if ([...state.flows.keys()].every((x) => want.has(x) && !c?.has(x))) {
                plan.join.push([g, dp]);
                cover(dp, state.flows.keys());
              }
            }
          }
        }
      // A group that all its members left is removed, with its flows.
      for (const [g, l] of leaving) {
        const state = m.dpGroups.get(g)!;
        if ([...state.members].every((dp) => l.has(dp))) plan.deleteGroups.push(g);
      }
      const gone = new Set(plan.deleteGroups);
      for (let i = plan.leave.length - 1; i >= 0; i--)
        if (gone.has(plan.leave[i]![0])) plan.leave.splice(i, 1);
    }

    // Each datapath's own rows: what it wants and gets from no group.
    for (const [dp, want] of this.want) {
      const have = m.flows.get(dp);
      const c = covered.get(dp);
      const missing = this.missing.get(dp)!;
      for (const k of want) {
        if (c?.has(k) || have?.has(k)) continue;
        const f = missing.get(k) ?? this.shared.get(k)?.flow;
        // Neither: a flow the caller took at add() and wrote already.
        if (f) plan.insert.push([dp, k, f]);
      }
      if (have)
        for (const k of have.keys()) if (!want.has(k) || c?.has(k)) plan.delete.push([dp, k]);
    }
    return plan;
  }
}
