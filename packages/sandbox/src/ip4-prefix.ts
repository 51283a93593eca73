import { formatIp4, parseIp4 } from '@ovn-ts/datapath';

/** An IPv4 address with the length of its subnet's prefix ("10.0.0.5/24"). */
export interface Ip4Prefix {
  readonly ip: string;
  readonly prefix: number;
}

/** Reads "A.B.C.D/N" (or a bare address with `defaultPrefix`); throws naming the bad text. */
export function parseIp4Prefix(text: string, defaultPrefix = 24): Ip4Prefix {
  const [addr, len, extra] = text.split('/');
  const prefix = len === undefined ? defaultPrefix : Number(len);
  if (extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32 || len === '')
    throw new Error(`bad IPv4 prefix "${text}"`);
  return { ip: formatIp4(parseIp4(addr ?? '')), prefix };
}

export function ip4Mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Whether `a` and `b` are in the same subnet of length `prefix`. */
export function sameSubnet(a: string, b: string, prefix: number): boolean {
  const m = ip4Mask(prefix);
  return (parseIp4(a) & m) >>> 0 === (parseIp4(b) & m) >>> 0;
}
