/**
 * Tunnel keys in a range, handed out once and kept: a key stays with its owner across recomputes
 * and (seeded from SB at start) across restarts. New keys go to the lowest free number after the
 * last one given, wrapping, so a freed key is not reused at once.
 */
export class KeyAllocator {
  private readonly byOwner = new Map<string, number>();
  private readonly owners = new Map<number, string>();
  private hint: number;

  constructor(
    readonly what: string,
    readonly min: number,
    readonly max: number,
  ) {
    this.hint = min;
  }

  /** Records a key an owner already has (from SB). Returns false if the key is taken or out of range. */
  adopt(owner: string, key: number): boolean {
    if (key < this.min || key > this.max || this.owners.has(key) || this.byOwner.has(owner))
      return false;
    this.byOwner.set(owner, key);
    this.owners.set(key, owner);
    return true;
  }

  get(owner: string): number | undefined {
    return this.byOwner.get(owner);
  }

  /** The owner's key, allocating one if it has none. Throws KeysExhausted when the range is full. */
  ensure(owner: string): number {
    const have = this.byOwner.get(owner);
    if (have !== undefined) return have;
    const size = this.max - this.min + 1;
    if (this.owners.size >= size) throw new KeysExhausted(this.what, this.min, this.max);
    let k = this.hint;
    while (this.owners.has(k)) k = k >= this.max ? this.min : k + 1;
    this.byOwner.set(owner, k);
    this.owners.set(k, owner);
    this.hint = k >= this.max ? this.min : k + 1;
    return k;
  }

  release(owner: string): void {
    const k = this.byOwner.get(owner);
    if (k === undefined) return;
    this.byOwner.delete(owner);
    this.owners.delete(k);
  }

  ownerNames(): string[] {
    return [...this.byOwner.keys()];
  }

  get size(): number {
    return this.byOwner.size;
  }
}

export class KeysExhausted extends Error {
  override readonly name = 'KeysExhausted';
  constructor(what: string, min: number, max: number) {
    super(`no free ${what} tunnel key: all of ${min}..${max} are in use`);
  }
}

/** OVN's ranges: 24-bit datapath keys, 15-bit port keys, multicast groups above them. */
export const DATAPATH_KEYS = { min: 1, max: 0xffffff } as const;
export const PORT_KEYS = { min: 1, max: 0x7fff } as const;
export const MC_FLOOD = { name: '_MC_flood', key: 32768 } as const;
export const MC_UNKNOWN = { name: '_MC_unknown', key: 32769 } as const;
