import type { Action, FieldRef } from '@ovn-ts/datapath';

/**
 * What a controller() action asks of the daemon, carried in the punt's userdata. As in OVN, the
 * userdata names the action (`op`) and carries the nested actions already compiled for the
 * datapath: the daemon builds the new packet (an ARP request, an ICMP reply …) and sends it with
 * those actions after restoring the logical metadata, so the pipeline continues where it left off.
 * Field arguments (put_arp's port, IP and MAC) are datapath bit ranges the daemon reads from the
 * packet-in.
 */
export interface Punt {
  readonly op: string;
  readonly actions?: readonly Action[];
  readonly fields?: Readonly<Record<string, readonly FieldRef[]>>;
  /** bind_vport: the virtual port to bind. */
  readonly vport?: string;
  /** Where a paused action's 1-bit result goes (put_dhcp_opts). */
  readonly result?: readonly FieldRef[];
  /** put_dhcp_opts: the options, by wire code, with their constant values. */
  readonly dhcp?: readonly {
    readonly code: number;
    readonly type: string;
    readonly values: readonly (string | { readonly v: bigint; readonly m?: bigint })[];
  }[];
}

// JSON with two tagged forms, for bigints and bytes, which plain JSON cannot carry.
const replacer = (_k: string, v: unknown): unknown => {
  if (typeof v === 'bigint') return { $bigint: v.toString() };
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('hex') };
  return v;
};
const reviver = (_k: string, v: unknown): unknown => {
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$bigint === 'string') return BigInt(o.$bigint);
    if (typeof o.$bytes === 'string') return Uint8Array.from(Buffer.from(o.$bytes, 'hex'));
  }
  return v;
};

const MAGIC = 'ovn-ts:';

export function encodePunt(p: Punt): Uint8Array {
  return new TextEncoder().encode(MAGIC + JSON.stringify(p, replacer));
}

/** The punt a userdata encodes, or undefined when it is not one of ours. */
export function decodePunt(userdata: Uint8Array | undefined): Punt | undefined {
  if (!userdata) return undefined;
  const text = new TextDecoder().decode(userdata);
  if (!text.startsWith(MAGIC)) return undefined;
  try {
    return JSON.parse(text.slice(MAGIC.length), reviver) as Punt;
  } catch {
    return undefined;
  }
}
