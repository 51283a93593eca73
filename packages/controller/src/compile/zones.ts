import type { LocalContext, SbView } from './sb-view.js';
import { indexView, localDatapaths } from './view-index.js';

/**
 * Conntrack zones for the ports and routers of the local datapaths: OVN gives every logical port
 * its own zone (a switch's connections are tracked per port) and every router a DNAT and an SNAT
 * zone. A name keeps its zone while it is needed; freed zones are reused lowest first.
 */
export class ZoneAllocator {
  private readonly zones = new Map<string, number>();

  /** Takes over zones a previous run assigned (so connections survive a restart). */
  seed(zones: ReadonlyMap<string, number>): void {
    const used = new Set(this.zones.values());
    for (const [name, zone] of zones) {
      if (this.zones.has(name) || used.has(zone) || zone < 1 || zone > 0xffff) continue;
      this.zones.set(name, zone);
      used.add(zone);
    }
  }

  /** The zones for `view` on this chassis (the names that need one). */
  assign(
    view: SbView,
    cx: Pick<LocalContext, 'chassis' | 'localPorts'>,
  ): ReadonlyMap<string, number> {
    // Ports and datapaths are all it needs: grouping every logical flow would be wasted work.
    const ix = indexView({ ...view, flows: new Map(), macBindings: new Map() });
    const needed = new Set<string>();
    for (const dp of localDatapaths(ix, cx.chassis, cx.localPorts)) {
      if (dp.kind === 'router') {
        needed.add(`${dp.uuid}_dnat`);
        needed.add(`${dp.uuid}_snat`);
      }
      for (const p of ix.portsOf(dp.uuid)) needed.add(p.name);
    }
    for (const name of [...this.zones.keys()]) if (!needed.has(name)) this.zones.delete(name);
    const used = new Set(this.zones.values());
    let next = 1;
    for (const name of [...needed].sort()) {
      if (this.zones.has(name)) continue;
      while (used.has(next)) next++;
      if (next > 0xffff) break;
      this.zones.set(name, next);
      used.add(next);
    }
    return new Map(this.zones);
  }
}
