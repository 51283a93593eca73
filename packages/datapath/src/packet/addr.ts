/** Address text ⇄ numbers. MACs and IPv6 addresses are bigints; IPv4 addresses unsigned 32-bit numbers. */

export function parseMac(text: string): bigint {
  const parts = text.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) {
    throw new Error(`bad MAC address "${text}"`);
  }
  let v = 0n;
  for (const p of parts) v = (v << 8n) | BigInt(Number.parseInt(p, 16));
  return v;
}

export function formatMac(v: bigint): string {
  const out: string[] = [];
  for (let i = 5; i >= 0; i--)
    out.push(
      Number((v >> BigInt(8 * i)) & 0xffn)
        .toString(16)
        .padStart(2, '0'),
    );
  return out.join(':');
}

export function macBytes(mac: string | bigint): Uint8Array {
  const v = typeof mac === 'string' ? parseMac(mac) : mac;
  const b = new Uint8Array(6);
  for (let i = 0; i < 6; i++) b[i] = Number((v >> BigInt(8 * (5 - i))) & 0xffn);
  return b;
}

export function parseIp4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new Error(`bad IPv4 address "${text}"`);
  }
  return parts.reduce((a, p) => ((a << 8) | Number(p)) >>> 0, 0);
}

export function formatIp4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

export function isIp6(text: string): boolean {
  return text.includes(':') && !/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/.test(text);
}

export function parseIp6(text: string): bigint {
  let t = text;
  let tail4: number[] = [];
  const lastColon = t.lastIndexOf(':');
  if (t.slice(lastColon + 1).includes('.')) {
    const v4 = parseIp4(t.slice(lastColon + 1));
    tail4 = [v4 >>> 16, v4 & 0xffff];
    t = `${t.slice(0, lastColon + 1)}0:0`;
  }
  const halves = t.split('::');
  if (halves.length > 2) throw new Error(`bad IPv6 address "${text}"`);
  const parse = (s: string): number[] =>
    s === ''
      ? []
      : s.split(':').map((h) => {
          if (!/^[0-9a-fA-F]{1,4}$/.test(h)) throw new Error(`bad IPv6 address "${text}"`);
          return Number.parseInt(h, 16);
        });
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = 8 - head.length - rest.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0)
    throw new Error(`bad IPv6 address "${text}"`);
  const groups = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...rest];
  if (tail4.length) groups.splice(6, 2, ...tail4);
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

export function formatIp6(v: bigint): string {
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((v >> BigInt(16 * i)) & 0xffffn));
  // Compress the longest run of two or more zero groups (RFC 5952).
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function ip6Bytes(addr: string | bigint): Uint8Array {
  const v = typeof addr === 'string' ? parseIp6(addr) : addr;
  const b = new Uint8Array(16);
  for (let i = 0; i < 16; i++) b[i] = Number((v >> BigInt(8 * (15 - i))) & 0xffn);
  return b;
}

export function ip4Bytes(addr: string | number): Uint8Array {
  const v = typeof addr === 'string' ? parseIp4(addr) : addr;
  return Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
}
