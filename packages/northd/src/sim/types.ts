import type { LFlow } from '../lflow.js';
import type { Pipeline, Stage } from '../stages.js';

/** A logical port of a simulated datapath. */
export interface SimPort {
  readonly name: string;
  /**
   * The port on another datapath this one is patched to (a switch's "router" port and its
   * router port, or two peered router ports). Output to a patched port continues in the peer
   * datapath's ingress; output to any other port leaves the logical network there.
   */
  readonly peer?: { readonly datapath: string; readonly port: string };
  /**
   * For a chassisredirect port ("cr-<name>"): the distributed gateway port it stands for.
   * Output to it moves the packet to the chassis where it resides (from then on
   * is_chassis_resident of it holds), and the egress pipeline runs with outport = that port.
   */
  readonly redirect?: string;
}

/** One logical datapath: its kind, flows, ports and multicast groups (e.g. _MC_flood). */
export interface SimDatapath {
  readonly name: string;
  readonly kind: 'switch' | 'router';
  readonly flows: readonly LFlow[];
  readonly ports: readonly SimPort[];
  /** Group name → member port names, in output order. */
  readonly multicastGroups?: Readonly<Record<string, readonly string[]>>;
}

/** A learnt IP → MAC binding of a router port (SB MAC_Binding). */
export interface MacBinding {
  readonly datapath: string;
  readonly port: string;
  readonly ip: string;
  readonly mac: string;
}

/** The logical network a packet runs through. */
export interface SimWorld {
  readonly datapaths: readonly SimDatapath[];
  readonly macBindings?: readonly MacBinding[];
  /** Address sets ($name in matches): name → addresses ("10.0.0.1", "10.0.0.0/24", a MAC). */
  readonly addressSets?: Readonly<Record<string, readonly string[]>>;
  /** Port groups (@name in matches): name → logical port names. */
  readonly portGroups?: Readonly<Record<string, readonly string[]>>;
}

/**
 * A packet: values of base fields (eth.src, ip4.dst, reg0 …, reg14 = inport key, reg15 =
 * outport key, ct_state …), as the expression evaluator reads them. Build one with packet().
 */
export type SimPacket = Map<string, bigint>;

/** Where in the logical pipeline a step happened. */
export interface StageRef {
  readonly datapath: string;
  readonly pipeline: Pipeline;
  readonly stage: Stage;
  readonly table: number;
}

/**
 * One step of a trace. Steps nest: a flow's actions may start a new packet (arp { … },
 * icmp4 { … }), clone it, or send it to several ports, and each of those is a branch.
 */
export type TraceStep =
  | {
      readonly kind: 'pipeline';
      readonly datapath: string;
      readonly pipeline: Pipeline;
      readonly inport: string;
      readonly outport?: string;
    }
  | { readonly kind: 'flow'; readonly at: StageRef; readonly flow: LFlow }
  | { readonly kind: 'no-match'; readonly at: StageRef }
  | { readonly kind: 'note'; readonly text: string }
  | { readonly kind: 'branch'; readonly label: string; readonly steps: readonly TraceStep[] }
  | { readonly kind: 'outcome'; readonly outcome: Outcome };

/** How one copy of the packet ended. */
export type Outcome =
  | {
      readonly kind: 'delivered';
      readonly datapath: string;
      readonly port: string;
      /** The logical inport on that datapath (the packet's reg14 names it). */
      readonly inport: string;
      readonly packet: SimPacket;
    }
  | {
      readonly kind: 'dropped';
      readonly at?: StageRef;
      readonly datapath: string;
      readonly reason: string;
    };

export interface SimResult {
  readonly steps: readonly TraceStep[];
  /** Every way the packet (and the packets it caused) ended, in trace order. */
  readonly outcomes: readonly Outcome[];
  /** MAC bindings after the run: the input ones and any learnt with put_arp/put_nd. */
  readonly macBindings: readonly MacBinding[];
}
