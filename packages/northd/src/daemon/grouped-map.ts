/**
 * A Map that also knows its keys by group (e.g. port bindings by datapath), so that the rows of
 * one group are found without scanning the whole map: the cost of a change stays independent of
 * the size of the network.
 */
export class GroupedMap<V> {
  private readonly map = new Map<string, V>();
  private readonly groups = new Map<string, Set<string>>();

  constructor(private readonly groupOf: (key: string, value: V) => string) {}

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    const old = this.map.get(key);
    if (old !== undefined) this.ungroup(key, old);
    this.map.set(key, value);
    const g = this.groupOf(key, value);
    const s = this.groups.get(g);
    if (s) s.add(key);
    else this.groups.set(g, new Set([key]));
  }

  delete(key: string): void {
    const old = this.map.get(key);
    if (old === undefined) return;
    this.ungroup(key, old);
    this.map.delete(key);
  }

  /** The keys of one group (a copy: callers may delete while iterating). */
  keysIn(group: string): string[] {
    return [...(this.groups.get(group) ?? [])];
  }

  entries(): IterableIterator<[string, V]> {
    return this.map.entries();
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.map.entries();
  }

  private ungroup(key: string, value: V): void {
    const g = this.groupOf(key, value);
    const s = this.groups.get(g);
    s?.delete(key);
    if (s?.size === 0) this.groups.delete(g);
  }
}
