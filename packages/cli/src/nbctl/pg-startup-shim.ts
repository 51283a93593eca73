/**
 * Imported by session.ts just before `pg`. pg asks "am I in a Cloudflare Worker?" when it loads:
 * on Node 20, which has no global `navigator`, it answers by constructing a fetch `Response`,
 * which loads undici — about 45 ms of a ~200 ms nbctl run. Node 21+ defines navigator.userAgent
 * ("Node.js/…"); we define the same on Node 20 so that pg takes its cheap path.
 */
const g = globalThis as { navigator?: unknown };
if (g.navigator === undefined) {
  Object.defineProperty(globalThis, 'navigator', {
    value: { userAgent: `Node.js/${process.versions.node.split('.')[0]}` },
    configurable: true,
    writable: true,
  });
}
