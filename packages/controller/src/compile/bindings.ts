import type { SbView, ViewPort } from './sb-view.js';
import { requestedHere } from './view-index.js';

/** Port bindings this chassis should take or give up. */
export interface BindingChanges {
  /** Ports to bind here; `vif` ones are reported up only once their flows are installed. */
  readonly claim: readonly { readonly port: string; readonly vif: boolean }[];
  readonly release: readonly string[];
}

const isVif = (p: ViewPort) => p.type === '';

/**
 * Which chassis should bind a port, as far as this chassis can tell: a VIF where its interface
 * is attached (here if attached here; unknown otherwise) unless options:requested-chassis names
 * other chassis, a gateway router's port on its
 * options:l3gateway-chassis, a chassisredirect port on its highest-priority registered gateway
 * chassis (no liveness detection: a registered chassis counts as alive).
 */
function owner(
  view: SbView,
  p: ViewPort,
  me: string,
  attached: boolean,
  localPorts: ReadonlyMap<string, number>,
): string | null | undefined {
  if (isVif(p)) {
    // options:requested-chassis pins a VIF to chassis (names, comma-separated, as OVN allows).
    if (!requestedHere(p, me)) return p.options['requested-chassis']!.split(',')[0]!.trim();
    return attached ? me : undefined;
  }
  // A virtual port is bound by bind_vport; it stays here while its parent is attached here.
  if (p.type === 'virtual') {
    if (p.chassis !== me) return undefined;
    return p.virtualParent && localPorts.has(p.virtualParent) ? me : null;
  }
  if (p.type === 'l3gateway') return p.options['l3gateway-chassis'] ?? null;
  if (p.type === 'chassisredirect') {
    const cands = view.gatewayChassis?.get(p.name) ?? [];
    return cands.find((c) => view.chassis.has(c.chassis))?.chassis ?? null;
  }
  return undefined;
}

/** Pure: the claims and releases that make SB's bindings match this chassis's view. */
export function bindingChanges(
  view: SbView,
  me: string,
  localPorts: ReadonlyMap<string, number>,
): BindingChanges {
  const claim: { port: string; vif: boolean }[] = [];
  const release: string[] = [];
  for (const p of view.ports.values()) {
    const want = owner(view, p, me, localPorts.has(p.name), localPorts);
    if (want === me && p.chassis !== me) claim.push({ port: p.name, vif: isVif(p) });
    // Give up what is bound here but should not be (a VIF without interface, a moved gateway).
    else if (p.chassis === me && want !== me && (want !== undefined || isVif(p)))
      release.push(p.name);
  }
  claim.sort((a, b) => (a.port < b.port ? -1 : 1));
  release.sort();
  return { claim, release };
}
