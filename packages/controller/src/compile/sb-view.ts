/**
 * What the pure core reads: the part of SB that concerns one chassis, in plain immutable rows.
 * The daemon fills it from the database; tests build it by hand or from northd's engine. Rows are
 * keyed by uuid (chassis by name, address sets and port groups by name).
 */

export type DatapathKind = 'switch' | 'router';

export interface ViewDatapath {
  readonly uuid: string;
  /** The 24-bit tunnel key: OVN's metadata, and the Geneve VNI. */
  readonly key: number;
  readonly kind: DatapathKind;
  readonly name: string;
}

export interface ViewPort {
  readonly uuid: string;
  readonly name: string;
  /** Uuid of its datapath. */
  readonly datapath: string;
  /** The 15-bit port tunnel key (reg14/reg15). */
  readonly key: number;
  /** Port_Binding.type: '' for a VIF, 'patch', 'chassisredirect', 'localnet', … */
  readonly type: string;
  readonly options: Readonly<Record<string, string>>;
  /** Name of the chassis the port is bound to, if any. */
  readonly chassis: string | null;
  /** VLAN tag of a localnet port (its traffic on the physical network is tagged). */
  readonly tag?: number | null;
  /** A bound virtual port: the VIF that claimed it (its traffic goes to that VIF's interface). */
  readonly virtualParent?: string | null;
}

export interface ViewMulticastGroup {
  readonly uuid: string;
  readonly datapath: string;
  readonly name: string;
  /** 32768..65535. */
  readonly key: number;
  /** Member port names. */
  readonly ports: readonly string[];
}

export interface ViewFlow {
  readonly uuid: string;
  /** Datapath uuids the flow applies to (one, or a datapath group's members). */
  readonly datapaths: readonly string[];
  readonly pipeline: 'ingress' | 'egress';
  readonly tableId: number;
  readonly priority: number;
  readonly match: string;
  readonly actions: string;
  /** OVN's stage name, for diagnostics. */
  readonly stage: string;
}

export interface ViewMacBinding {
  readonly uuid: string;
  readonly datapath: string;
  readonly logicalPort: string;
  /** IPv4 or IPv6 text. */
  readonly ip: string;
  /** aa:bb:cc:dd:ee:ff */
  readonly mac: string;
}

/** A learnt MAC on a switch port (SB FDB: keys, not uuids, as in OVN). */
export interface ViewFdb {
  readonly uuid: string;
  readonly mac: string;
  readonly dpKey: number;
  readonly portKey: number;
}

export interface ViewEncap {
  readonly type: 'geneve' | 'vxlan' | 'stt';
  readonly ip: string;
}

export interface ViewChassis {
  readonly name: string;
  readonly encaps: readonly ViewEncap[];
}

export interface SbView {
  readonly datapaths: ReadonlyMap<string, ViewDatapath>;
  readonly ports: ReadonlyMap<string, ViewPort>;
  readonly multicastGroups: ReadonlyMap<string, ViewMulticastGroup>;
  readonly flows: ReadonlyMap<string, ViewFlow>;
  readonly macBindings: ReadonlyMap<string, ViewMacBinding>;
  readonly chassis: ReadonlyMap<string, ViewChassis>;
  /** Address set name → addresses (as SB Address_Set.addresses). */
  readonly addressSets: ReadonlyMap<string, readonly string[]>;
  /** Port group name → logical port names. */
  readonly portGroups: ReadonlyMap<string, readonly string[]>;
  /** Learnt MACs (put_fdb); absent means none. */
  readonly fdb?: ReadonlyMap<string, ViewFdb>;
  /**
   * Chassisredirect port name → the chassis that may host it, with priorities (SB Gateway_Chassis);
   * the highest-priority registered chassis binds it.
   */
  readonly gatewayChassis?: ReadonlyMap<
    string,
    readonly { readonly chassis: string; readonly priority: number }[]
  >;
}

/** This chassis and what is attached to it. */
export interface LocalContext {
  readonly chassis: string;
  /** iface-id (logical port name) → datapath port number of the attached interface. */
  readonly localPorts: ReadonlyMap<string, number>;
  /** Remote chassis name → datapath port number of the tunnel to it. */
  readonly tunnels: ReadonlyMap<string, number>;
  /**
   * Conntrack zones: logical port name → zone (switch ports), and `<datapath uuid>_dnat` /
   * `<datapath uuid>_snat` → zone (routers). Missing entries use zone 0.
   */
  readonly zones: ReadonlyMap<string, number>;
  /**
   * Physical networks reachable here (OVN's ovn-bridge-mappings): localnet ports' network_name →
   * the datapath port of that network.
   */
  readonly bridgeMappings?: ReadonlyMap<string, number>;
}

export const emptyView = (): SbView => ({
  datapaths: new Map(),
  ports: new Map(),
  multicastGroups: new Map(),
  flows: new Map(),
  macBindings: new Map(),
  chassis: new Map(),
  addressSets: new Map(),
  portGroups: new Map(),
});
