import type {
  Acl,
  DhcpOptions,
  GatewayChassis,
  LoadBalancer,
  LogicalRouter,
  LogicalRouterPort,
  LogicalSwitch,
  LogicalSwitchPort,
  Nat,
  PortGroup,
  StaticRoute,
} from '@ovn-ts/nb-db';
import type { LportAddresses } from '../net/addresses.js';

/** A switch port with its addresses parsed. */
export interface SwitchPortInput {
  readonly row: LogicalSwitchPort;
  /** Static "MAC IP…" entries (keywords excluded; for "router", the peer router port's addresses). */
  readonly addresses: readonly LportAddresses[];
  /** The port accepts frames for unknown MACs ("unknown" in addresses). */
  readonly unknown: boolean;
  readonly portSecurity: readonly LportAddresses[];
  /** enabled is not false. */
  readonly enabled: boolean;
  /** For type "router": the router port named by options:router-port, if it exists. */
  readonly peer?: RouterPortRef;
  readonly dhcpv4?: DhcpOptions;
  readonly dhcpv6?: DhcpOptions;
}

export interface RouterPortRef {
  readonly row: LogicalRouterPort;
  readonly router: LogicalRouter;
  readonly addresses: LportAddresses;
  /**
   * A distributed gateway port: of a distributed router (no options:chassis), with gateway
   * chassis or options:redirect-chassis. Its traffic to/from the physical network is handled on
   * the chassis where its twin "cr-<name>" resides.
   */
  readonly distributedGateway?: boolean;
}

/** An ACL that applies on a switch, directly or through a port group with ports on it. */
export interface AclInput {
  readonly row: Acl;
  readonly portGroup?: PortGroup;
}

/** Everything the switch builders need for one logical switch. */
export interface SwitchInput {
  readonly kind: 'switch';
  readonly row: LogicalSwitch;
  /** Sorted by name. */
  readonly ports: readonly SwitchPortInput[];
  /** Sorted by (direction, priority desc, uuid). */
  readonly acls: readonly AclInput[];
  readonly loadBalancers: readonly LoadBalancer[];
  /** Some ACL is stateful (allow-related) or a load balancer applies: traffic goes through conntrack. */
  readonly stateful: boolean;
  /**
   * NB_Global options:default_acl_drop=true: on a switch with ACLs, traffic no ACL allows is
   * dropped instead of allowed. Absent means false.
   */
  readonly defaultAclDrop?: boolean;
}

/** A neighbour of a router port: a port with static addresses on the connected switch. */
export interface NeighbourInput {
  readonly port: LogicalSwitchPort;
  readonly addresses: readonly LportAddresses[];
}

export interface RouterPortInput {
  readonly row: LogicalRouterPort;
  readonly addresses: LportAddresses;
  readonly enabled: boolean;
  /** The switch this port attaches to, through a "router" type switch port naming it. */
  readonly peerSwitch?: {
    readonly row: LogicalSwitch;
    readonly port: LogicalSwitchPort;
    readonly neighbours: readonly NeighbourInput[];
  };
  /** A router port joined to this one directly (Logical_Router_Port.peer). */
  readonly peerRouterPort?: RouterPortRef;
  readonly gatewayChassis: readonly GatewayChassis[];
}

/** Everything the router builders need for one logical router. */
export interface RouterInput {
  readonly kind: 'router';
  readonly row: LogicalRouter;
  /** Sorted by name. */
  readonly ports: readonly RouterPortInput[];
  readonly routes: readonly StaticRoute[];
  readonly nats: readonly Nat[];
  readonly loadBalancers: readonly LoadBalancer[];
}

export type DatapathInput = SwitchInput | RouterInput;
