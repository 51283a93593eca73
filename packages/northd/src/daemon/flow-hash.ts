/**
 * A flow's identity in SB (content plus provenance: a flow that changes builder is rewritten) as
 * a 53-bit number, so that the SB mirror holds a number per flow instead of a long string. Two
 * independent 32-bit FNV-style hashes, combined to fill a double's integer range. A collision
 * inside one datapath (a few thousand flows) has a chance near 1e-9, and would only make northd
 * keep an old row in place of a new one until that datapath next changes.
 */
export function flowHash(
  stage: string,
  priority: number,
  match: string,
  actions: string,
  builder: string,
  nbUuid: string | undefined,
): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  const feed = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
    // A separator, so that ("ab", "c") and ("a", "bc") differ.
    a = Math.imul(a ^ 0xffff, 0x01000193);
    b = Math.imul(b ^ 0xffff, 0x5bd1e995);
  };
  feed(stage);
  feed(String(priority));
  feed(match);
  feed(actions);
  feed(builder);
  feed(nbUuid ?? '');
  return (a >>> 0) * 0x200000 + ((b >>> 0) >>> 11);
}
