import { type Expr, evaluate, parseExpr, type SetEnv } from '@ovn-ts/expr';
import { type SimOptions, simulate } from './simulate.js';
import type { SimPacket, SimWorld } from './types.js';

/** A packet described in the match language, as ovn-trace takes it ("microflow"). */
export interface Microflow {
  readonly inport: string;
  readonly outport?: string;
  readonly packet: SimPacket;
}

/**
 * Reads a microflow such as `inport == "vm1" && eth.src == 00:00:00:00:00:01 && ip4.dst ==
 * 10.0.0.3 && ip.ttl == 64 && icmp4.type == 8`: every field it fixes (prerequisites included:
 * `icmp4` sets eth.type and ip.proto) goes into the packet, unmentioned fields are 0 (as in
 * ovn-trace: give ip.ttl). Where the expression allows several packets (`ip` is ip4 or ip6),
 * the first alternative is taken. Returns a message when the text does not parse, names no
 * inport, or describes no packet at all.
 */
export function parseMicroflow(text: string, sets: SetEnv = {}): Microflow | string {
  const parsed = parseExpr(text, sets);
  if (!parsed.ok) return `microflow: ${parsed.error.message}`;
  const pkt: SimPacket = new Map();
  const ports: { inport?: string; outport?: string } = {};
  const problem = fix(parsed.value, { pkt, fixed: new Map(), ports });
  if (problem) return `microflow: ${problem}`;
  if (!ports.inport) return 'microflow does not specify ingress port';
  // The same check ovn-trace relies on: the packet built must satisfy the whole expression.
  pkt.set('reg14', 1n);
  if (ports.outport) pkt.set('reg15', 2n);
  const env = { ports: { [ports.inport]: 1n, ...(ports.outport && { [ports.outport]: 2n }) } };
  if (!evaluate(parsed.value, pkt, env)) return 'microflow: the expression describes no packet';
  pkt.delete('reg14');
  pkt.delete('reg15');
  return { inport: ports.inport, ...(ports.outport && { outport: ports.outport }), packet: pkt };
}

interface Fixing {
  readonly pkt: SimPacket;
  /** Bits of each field already fixed by an earlier term. */
  readonly fixed: Map<string, bigint>;
  readonly ports: { inport?: string; outport?: string };
}

/** Sets the fields an expression fixes; returns a problem, if any. */
function fix(e: Expr, f: Fixing): string | undefined {
  switch (e.kind) {
    case 'bool':
      return e.value ? undefined : 'the expression is always false';
    case 'cmp': {
      // Inequalities constrain but do not fix: the final check covers them.
      if (!e.eq) return undefined;
      const cur = f.pkt.get(e.field) ?? 0n;
      const fixed = f.fixed.get(e.field) ?? 0n;
      if ((cur & fixed & e.mask) !== (e.value & fixed)) return `conflicting values for ${e.field}`;
      f.pkt.set(e.field, (cur & ~e.mask) | e.value);
      f.fixed.set(e.field, fixed | e.mask);
      return undefined;
    }
    case 'str': {
      if (!e.eq) return undefined;
      const which = e.field === 'outport' ? 'outport' : 'inport';
      if (f.ports[which] && f.ports[which] !== e.value) return `conflicting values for ${which}`;
      f.ports[which] = e.value;
      return undefined;
    }
    case 'cond':
      return undefined;
    case 'and':
      for (const t of e.terms) {
        const p = fix(t, f);
        if (p) return p;
      }
      return undefined;
    case 'or': {
      const first = e.terms[0];
      return first ? fix(first, f) : 'the expression is always false';
    }
  }
}

/**
 * ovn-trace's entry point: trace a microflow. The datapath is the one with the microflow's
 * inport unless given (port names are unique in OVN).
 */
export function traceMicroflow(
  world: SimWorld,
  text: string,
  opts: SimOptions & { datapath?: string } = {},
) {
  const sets: SetEnv = { addressSets: world.addressSets ?? {}, portGroups: world.portGroups ?? {} };
  const flow = parseMicroflow(text, sets);
  if (typeof flow === 'string') return { error: flow };
  const dp =
    opts.datapath ?? world.datapaths.find((d) => d.ports.some((p) => p.name === flow.inport))?.name;
  if (!dp) return { error: `unknown port "${flow.inport}"` };
  return {
    microflow: flow,
    ...simulate(world, { datapath: dp, inport: flow.inport, packet: flow.packet }, opts),
  };
}
