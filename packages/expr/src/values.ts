// Integer constants of the expression language: parsing and formatting of IPv4, IPv6 and
// Ethernet addresses, and small bigint helpers. Every value is a non-negative bigint whose bit 0
// is the least significant bit of the field (network byte order read as one big number).

/** How a constant was written; decides how it is printed back. */
export type ValueFormat = 'decimal' | 'hex' | 'ipv4' | 'ipv6' | 'mac';

/** Width in bits implied by an address format (0 for plain integers). */
export function formatWidth(format: ValueFormat): number {
  switch (format) {
    case 'ipv4':
      return 32;
    case 'ipv6':
      return 128;
    case 'mac':
      return 48;
    default:
      return 0;
  }
}

/** All-ones mask of `width` bits. */
export function ones(width: number): bigint {
  return (1n << BigInt(width)) - 1n;
}

/** Number of significant bits of `v` (0 for 0). */
export function bitLength(v: bigint): number {
  let n = 0;
  while (v > 0n) {
    // Step in 32-bit chunks first: values are up to 128 bits.
    if (v >= 1n << 32n) {
      v >>= 32n;
      n += 32;
    } else {
      v >>= 1n;
      n += 1;
    }
  }
  return n;
}

/** If `mask` (within `width` bits) is a CIDR prefix mask, its prefix length; otherwise -1. */
export function prefixLength(mask: bigint, width: number): number {
  const inverted = ones(width) & ~mask;
  // A prefix mask's complement is 2^k - 1.
  if ((inverted & (inverted + 1n)) !== 0n) return -1;
  return width - bitLength(inverted);
}

/** Mask with the top `prefix` bits of a `width`-bit field set. */
export function prefixMask(prefix: number, width: number): bigint {
  return ones(width) ^ ones(width - prefix);
}

// IPv4 ---------------------------------------------------------------------------------------

/** Parses a dotted quad (strict, like inet_pton: four decimal octets, no leading zeros). */
export function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

export function formatIpv4(v: bigint): string {
  const n = Number(v & 0xffffffffn);
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

// IPv6 ---------------------------------------------------------------------------------------

function parseGroups(s: string, allowTrailingIpv4: boolean): number[] | undefined {
  if (s === '') return [];
  const parts = s.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (i === parts.length - 1 && allowTrailingIpv4 && p.includes('.')) {
      const v4 = parseIpv4(p);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
      groups.push(Number.parseInt(p, 16));
    }
  }
  return groups;
}

/** Parses an IPv6 address (inet_pton rules: `::` stands for at least one zero group). */
export function parseIpv6(s: string): bigint | undefined {
  const dbl = s.indexOf('::');
  let groups: number[] | undefined;
  if (dbl < 0) {
    groups = parseGroups(s, true);
    if (groups?.length !== 8) return undefined;
  } else {
    if (s.indexOf('::', dbl + 1) >= 0) return undefined;
    const head = parseGroups(s.slice(0, dbl), false);
    const tail = parseGroups(s.slice(dbl + 2), true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

/** Formats an IPv6 address canonically (RFC 5952 style, as inet_ntop prints it). */
export function formatIpv6(v: bigint): string {
  const words: number[] = [];
  for (let i = 7; i >= 0; i--) words.push(Number((v >> BigInt(16 * i)) & 0xffffn));
  // Longest run of at least two zero words.
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestBase = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  // IPv4-compatible and IPv4-mapped addresses print their last 32 bits as a dotted quad.
  if (bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
    const prefix = bestLen === 5 ? '::ffff:' : '::';
    return prefix + formatIpv4(v & 0xffffffffn);
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestBase) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += words[i]!.toString(16);
  }
  return out;
}

// Ethernet -----------------------------------------------------------------------------------

/** Parses `xx:xx:xx:xx:xx:xx` (exactly two hex digits per octet, as OVN's lexer requires). */
export function parseMac(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(s)) return undefined;
  return BigInt(`0x${s.replaceAll(':', '')}`);
}

export function formatMac(v: bigint): string {
  const hex = (v & ones(48)).toString(16).padStart(12, '0');
  return hex.match(/../g)!.join(':');
}

// Generic ------------------------------------------------------------------------------------

export function formatHex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

/** Formats an integer value in the given format (no mask). */
export function formatValue(v: bigint, format: ValueFormat): string {
  switch (format) {
    case 'decimal':
      return v.toString(10);
    case 'hex':
      return formatHex(v);
    case 'ipv4':
      return formatIpv4(v);
    case 'ipv6':
      return formatIpv6(v);
    case 'mac':
      return formatMac(v);
  }
}

/**
 * Formats `value/mask` so that the lexer reads it back identically: IPv4 and IPv6 masks that are
 * CIDR prefixes print as `/N`, other masks in the value's own format (as OVN's lexer prints).
 */
export function formatMasked(value: bigint, mask: bigint, format: ValueFormat): string {
  if (format === 'ipv4' || format === 'ipv6') {
    const w = format === 'ipv4' ? 32 : 128;
    const p = prefixLength(mask, w);
    if (p >= 0) return `${formatValue(value, format)}/${p}`;
    return `${formatValue(value, format)}/${formatValue(mask, format)}`;
  }
  return `${formatValue(value, format)}/${formatValue(mask, format)}`;
}
