// The part of SB one chassis follows, kept in an SbViewModel: loaded in a snapshot at start, then
// followed through the change feed with the chassis's interest as an SQL condition. When the
// interest grows (an interface is attached, a patch port appears, a datapath group gains a local
// member) the rows it adds are loaded in a new snapshot; when it shrinks, rows are forgotten.
//
// A snapshot taken for new rows is newer than the feed cursor. Feed commits between the two are
// read afterwards and replayed over those rows: each row ends at its newest version, but until the
// cursor reaches the snapshot some may show an older one; `settled` says when the model is whole
// again (the controller compiles only then).

import { readSnapshot } from '@ovn-ts/db';
import { SB_SCHEMA } from '@ovn-ts/sb-db';
import type pg from 'pg';
import {
  grows,
  type InterestGrowth,
  interestGrowth,
  interestOf,
  noInterest,
  rowRelevant,
  type SbInterest,
  selectChanges,
  shrinks,
} from '../view/sb-interest.js';
import { SbViewModel } from '../view/sb-view-model.js';
import { loadRound, readScopedFeed } from './sb-scope-sql.js';
import type { SharedSbFeed } from './shared-sb-feed.js';

export interface ScopedSbStats {
  /** Snapshots taken for a grown interest (after the first load). */
  readonly loads: number;
  /** Feed rows read (after the SQL condition) and those the model took. */
  readonly feedRows: number;
  readonly feedRowsApplied: number;
  /** How long the last full load took (ms). */
  readonly loadMs: number;
}

export class ScopedSb {
  model = new SbViewModel();
  cursor = 0;
  private held: SbInterest = noInterest;
  private settledAt = 0;
  private loads = 0;
  private feedRows = 0;
  private feedRowsApplied = 0;
  private loadMs = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly chassis: string,
    private readonly shared?: SharedSbFeed,
  ) {}

  /** The interest the model follows now. */
  get interest(): SbInterest {
    return this.held;
  }

  /** Whether every row reflects the same feed position (no replay over newer rows pending). */
  get settled(): boolean {
    return this.cursor >= this.settledAt;
  }

  stats(): ScopedSbStats {
    return {
      loads: this.loads,
      feedRows: this.feedRows,
      feedRowsApplied: this.feedRowsApplied,
      loadMs: this.loadMs,
    };
  }

  /** Reads the followed part of SB afresh, into a new model. */
  async reload(localPorts: ReadonlyMap<string, number>): Promise<void> {
    const t0 = performance.now();
    const model = new SbViewModel();
    const { seq, value } = await readSnapshot(this.pool, SB_SCHEMA, async (client) => {
      model.apply(
        await loadRound(client, {
          initial: true,
          growth: {
            ...interestGrowth({ ...noInterest, names: new Set(localPorts.keys()) }, noInterest),
            chassis: false,
          },
          chassisUuid: undefined,
          heldDpGroups: [],
        }),
      );
      // The chassis uuid is known only now (chassis is a whole table): ports bound here come next.
      const start: SbInterest = { ...noInterest, names: new Set(localPorts.keys()) };
      return this.grow(client, model, start, localPorts);
    });
    this.model = model;
    this.held = value;
    this.cursor = seq;
    this.settledAt = seq;
    this.loadMs = performance.now() - t0;
  }

  /**
   * Brings the interest up to date with the rows held and `localPorts`: forgets what is no longer
   * followed and loads what newly is. Returns whether the interest changed.
   */
  async refocus(localPorts: ReadonlyMap<string, number>): Promise<boolean> {
    const next = interestOf(this.model, this.chassis, localPorts);
    const shrank = shrinks(next, this.held);
    const growth = interestGrowth(next, this.held);
    if (!shrank && !grows(growth)) return false;
    if (shrank) {
      this.model.retain((t, r) => rowRelevant(next, t, r));
      // Keep only what both follow; what `next` adds is loaded below.
      this.held = intersect(this.held, next);
    }
    if (grows(interestGrowth(next, this.held))) {
      const { seq, value } = await readSnapshot(this.pool, SB_SCHEMA, (client) =>
        this.grow(client, this.model, this.held, localPorts),
      );
      this.held = value;
      this.settledAt = Math.max(this.settledAt, seq);
      this.loads++;
    }
    return true;
  }

  /** Reads the next commits of the feed into the model. */
  async read(
    limit = 1000,
  ): Promise<{ kind: 'resync' } | { kind: 'commits'; commits: number; applied: number }> {
    const r = this.shared
      ? await this.shared.read(this.cursor, limit)
      : await readScopedFeed(this.pool, this.cursor, limit, this.held);
    if (r.kind === 'resync') return r;
    const taken = selectChanges(this.held, r.changes, (t, u) => this.model.holds(t, u));
    if (taken.length > 0) this.model.apply(taken);
    this.cursor = r.cursor;
    this.feedRows += r.changes.length;
    this.feedRowsApplied += taken.length;
    return { kind: 'commits', commits: r.commits, applied: taken.length };
  }

  /** Loads rounds into `model` until the interest its rows give is all held. */
  private async grow(
    client: pg.PoolClient,
    model: SbViewModel,
    from: SbInterest,
    localPorts: ReadonlyMap<string, number>,
  ): Promise<SbInterest> {
    let held = from;
    for (let round = 0; round < 64; round++) {
      const next = interestOf(model, this.chassis, localPorts);
      const g: InterestGrowth = interestGrowth(next, held);
      if (!grows(g)) return next;
      model.apply(
        await loadRound(client, {
          initial: false,
          growth: g,
          chassisUuid: next.chassisUuid,
          heldDpGroups: [...held.dpGroups],
        }),
      );
      const newDps = new Set(g.datapaths);
      // The round also brought the flows of the new datapaths' groups and their multicast members.
      held = {
        ...next,
        datapaths: new Set([...held.datapaths, ...g.datapaths]),
        datapathKeys: new Set([...held.datapathKeys, ...g.datapathKeys]),
        dpGroups: new Set([...held.dpGroups, ...g.dpGroups, ...model.dpGroupsWith(newDps)]),
        multicastGroups: new Set([
          ...held.multicastGroups,
          ...g.multicastGroups,
          ...model.multicastGroupsOf(newDps),
        ]),
      };
    }
    throw new Error(`controller: ${this.chassis}: local datapaths did not settle after 64 rounds`);
  }
}

const both = <T>(a: ReadonlySet<T>, b: ReadonlySet<T>) => new Set([...a].filter((x) => b.has(x)));

function intersect(a: SbInterest, b: SbInterest): SbInterest {
  return {
    chassisUuid: a.chassisUuid === b.chassisUuid ? a.chassisUuid : undefined,
    names: both(a.names, b.names),
    datapaths: both(a.datapaths, b.datapaths),
    datapathKeys: both(a.datapathKeys, b.datapathKeys),
    dpGroups: both(a.dpGroups, b.dpGroups),
    multicastGroups: both(a.multicastGroups, b.multicastGroups),
  };
}
