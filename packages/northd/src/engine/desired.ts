import type { Diagnostic, LFlow } from '../lflow.js';

/** What SB should hold, as northd computes it. Keys are the allocated tunnel keys. */
export interface DesiredDatapath {
  readonly nbUuid: string;
  readonly kind: 'switch' | 'router';
  readonly name: string;
  readonly key: number;
}

export interface DesiredPort {
  readonly logicalPort: string;
  /** The NB uuid of its datapath. */
  readonly datapath: string;
  readonly key: number;
  readonly type: string;
  readonly mac: readonly string[];
  readonly portSecurity: readonly string[];
  readonly options: Readonly<Record<string, string>>;
  readonly parentPort: string | null;
  readonly tag: number | null;
  /** The NB row (switch or router port) it comes from. */
  readonly nbUuid: string;
}

export interface DesiredMulticastGroup {
  readonly datapath: string;
  readonly name: string;
  readonly key: number;
  /** Logical port names. */
  readonly ports: readonly string[];
}

/** Everything northd derives from one logical switch or router. */
export interface DatapathResult {
  readonly datapath: DesiredDatapath;
  readonly ports: readonly DesiredPort[];
  readonly multicastGroups: readonly DesiredMulticastGroup[];
  readonly flows: readonly LFlow[];
  readonly diagnostics: readonly Diagnostic[];
}

/** What one engine run changed, for the SB writer. */
export interface SbDelta {
  /** True after a full recompute: the writer reconciles everything. */
  readonly full: boolean;
  /** Datapaths whose results were recomputed (their complete new state). */
  readonly changed: readonly DatapathResult[];
  /** NB uuids of datapaths that no longer exist. */
  readonly removed: readonly string[];
  readonly addressSets: {
    readonly upsert: ReadonlyMap<string, readonly string[]>;
    readonly remove: readonly string[];
  };
  readonly portGroups: {
    readonly upsert: ReadonlyMap<string, readonly string[]>;
    readonly remove: readonly string[];
  };
}

/** An SbDelta whose datapath results are made as they are iterated (once). */
export interface StreamedDelta extends Omit<SbDelta, 'changed'> {
  readonly changed: Iterable<DatapathResult>;
}
