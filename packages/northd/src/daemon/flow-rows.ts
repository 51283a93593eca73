/**
 * The logical_flow rows SB holds for one owner (a datapath's own rows, or a datapath group's), by
 * flow key (flow-hash.ts). northd names the rows it writes after their owner and key
 * (flowRowUuid), so that only the keys need to be kept: a large network has hundreds of
 * thousands of rows, and a uuid string per row was a large part of northd's heap (and of its
 * garbage collections). Rows named otherwise (written by an older northd, or by hand) are kept
 * with their uuid.
 */
export class FlowRows {
  private readonly held = new Set<number>();
  private named: Map<number, string> | undefined;

  /** `owner`: the SB uuid of the datapath or group. */
  constructor(readonly owner: string) {}

  get size(): number {
    return this.held.size;
  }

  has(key: number): boolean {
    return this.held.has(key);
  }

  /** The row's uuid, if SB holds the flow. */
  get(key: number): string | undefined {
    if (!this.held.has(key)) return undefined;
    return this.named?.get(key) ?? flowRowUuid(this.owner, key);
  }

  /** Records a row; its uuid may be left out when it is the derived one. */
  set(key: number, uuid?: string): void {
    this.held.add(key);
    if (uuid !== undefined && uuid !== flowRowUuid(this.owner, key)) {
      this.named ??= new Map();
      this.named.set(key, uuid);
    }
  }

  delete(key: number): void {
    this.held.delete(key);
    this.named?.delete(key);
  }

  keys(): IterableIterator<number> {
    return this.held.values();
  }
}

/**
 * The uuid northd gives the row of flow `key` owned by `owner`: the key's 53 bits first (so that
 * uuid prefixes, as `sbctl lflow-list -u` prints them, tell flows apart), then 60 bits hashed from
 * the owner's uuid, in RFC 9562's layout for a custom (version 8) uuid. Distinct keys of one
 * owner never share a uuid; two owners would need equal 60-bit hashes.
 */
export function flowRowUuid(owner: string, key: number): string {
  // The key's low 32 bits, then bits 32-47, then 48-52.
  const hi = Math.floor(key / 0x100000000);
  return `${hex(key >>> 0, 8)}-${hex(hi & 0xffff, 4)}-8${hex(hi >>> 16, 3)}${ownerTail(owner)}`;
}

/** The owner's part of its rows' uuids; rows come owner by owner, so the last one is kept. */
let lastOwner = '';
let lastTail = '';
function ownerTail(owner: string): string {
  if (owner === lastOwner) return lastTail;
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < owner.length; i++) {
    const c = owner.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  const h = hex(a >>> 0, 8) + hex((b >>> 0) >>> 4, 7);
  lastOwner = owner;
  lastTail = `-8${h.slice(0, 3)}-${h.slice(3)}`;
  return lastTail;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}
