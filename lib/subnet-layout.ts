/**
 * Where automatically carved subnets live inside a VPC/network CIDR.
 *
 * Every (tier, zone slot) pair owns a fixed position: index = tier * MAX_ZONES + zoneIndex,
 * in blocks of prefix + SUBNET_NEW_BITS. Adding a zone or a tier therefore never renumbers a
 * subnet that already exists; the cost is that a /16 yields /21 subnets (2,043 usable hosts
 * on AWS), and the VPC must be /23 or larger for carving (explicit CIDRs work for any size).
 */
import { Ipv4Block, mustParseIpv4Cidr, subnetAt } from "./cidr";

/** Tiers in their fixed order; the fourth slot is reserved so a new tier never shifts these. */
export const SUBNET_TIERS = ["public", "private", "database"] as const;
export type SubnetTier = (typeof SUBNET_TIERS)[number];

/** Zone slots reserved per tier (AWS regions have at most 6 AZs today). */
export const MAX_ZONES = 8;
const RESERVED_TIERS = 4;
/** log2(RESERVED_TIERS * MAX_ZONES) */
export const SUBNET_NEW_BITS = 5;
/** Smallest subnet AWS accepts. */
const SMALLEST_SUBNET_PREFIX = 28;
export const LARGEST_CARVABLE_VPC_PREFIX = SMALLEST_SUBNET_PREFIX - SUBNET_NEW_BITS;

if (2 ** SUBNET_NEW_BITS !== RESERVED_TIERS * MAX_ZONES) {
  throw new Error("subnet layout constants disagree");
}

/** The carved CIDR of one tier in one zone slot. */
export function carvedSubnet(vpcCidr: string | Ipv4Block, tier: SubnetTier, zoneIndex: number): string {
  const vpc = typeof vpcCidr === "string" ? mustParseIpv4Cidr(vpcCidr) : vpcCidr;
  if (vpc.prefix > LARGEST_CARVABLE_VPC_PREFIX) {
    throw new Error(
      `${vpc.text} is too small to carve subnets automatically (needs /${LARGEST_CARVABLE_VPC_PREFIX} or larger); list the subnet CIDRs explicitly`,
    );
  }
  if (zoneIndex >= MAX_ZONES) {
    throw new Error(`at most ${MAX_ZONES} zones can be carved automatically`);
  }
  return subnetAt(vpc, SUBNET_NEW_BITS, SUBNET_TIERS.indexOf(tier) * MAX_ZONES + zoneIndex).text;
}
