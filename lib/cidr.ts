/**
 * IPv4 CIDR arithmetic shared by config validation and the network constructs.
 * Parsing and range classification come from ipaddr.js; the only arithmetic done here is
 * carving fixed-position child blocks, which ipaddr.js does not offer.
 */
import * as ipaddr from "ipaddr.js";

export interface Ipv4Block {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefix: number;
  readonly text: string;
}

/** Parses "a.b.c.d/n"; returns an explanation instead of throwing when it is not a valid network. */
export function parseIpv4Cidr(text: string): Ipv4Block | { error: string } {
  if (typeof text !== "string" || !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(text) || !ipaddr.IPv4.isValidCIDR(text)) {
    return { error: `${text} is not a valid CIDR (expected a.b.c.d/n with n between 0 and 32)` };
  }
  const [address, prefix] = ipaddr.IPv4.parseCIDR(text);
  const value = toUint(address);
  const base = prefix === 0 ? 0 : (value & maskOf(prefix)) >>> 0;
  if (base !== value) {
    return { error: `${text} is not a valid CIDR: host bits are set (did you mean ${fromUint(base)}/${prefix}?)` };
  }
  return { base, prefix, text };
}

/** Same as parseIpv4Cidr, for inputs already validated: throws a plain Error otherwise. */
export function mustParseIpv4Cidr(text: string): Ipv4Block {
  const parsed = parseIpv4Cidr(text);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed;
}

/** True when the whole block lies inside 10/8, 172.16/12 or 192.168/16 (RFC 1918). */
export function isRfc1918(block: Ipv4Block): boolean {
  return ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].some((range) => contains(mustParseIpv4Cidr(range), block));
}

export function contains(outer: Ipv4Block, inner: Ipv4Block): boolean {
  return inner.prefix >= outer.prefix && lastAddress(inner) <= lastAddress(outer) && inner.base >= outer.base;
}

export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.base <= lastAddress(b) && b.base <= lastAddress(a);
}

/**
 * The `index`-th block of prefix `parent.prefix + newBits` inside `parent`
 * (the same result as Terraform's `cidrsubnet(parent, newBits, index)`).
 */
export function subnetAt(parent: Ipv4Block, newBits: number, index: number): Ipv4Block {
  const prefix = parent.prefix + newBits;
  if (newBits < 0 || prefix > 32) {
    throw new Error(`cannot carve /${prefix} blocks out of ${parent.text}`);
  }
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** newBits) {
    throw new Error(`${parent.text} has only ${2 ** newBits} blocks of /${prefix}; index ${index} is out of range`);
  }
  const base = (parent.base + index * 2 ** (32 - prefix)) >>> 0;
  const text = `${fromUint(base)}/${prefix}`;
  return { base, prefix, text };
}

function lastAddress(block: Ipv4Block): number {
  return block.base + 2 ** (32 - block.prefix) - 1;
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function toUint(address: ipaddr.IPv4): number {
  return address.octets.reduce((acc, octet) => acc * 256 + octet, 0);
}

function fromUint(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join(".");
}
