/**
 * A VPC and subnets that another team (or another stack) owns, adopted by id. Nothing is looked up:
 * a data source would be read by every plan, even `-refresh=false` offline ones, so the ids come
 * from the environment file. Nothing is created either: the owner's routes, NAT, flow logs and
 * default security group stay theirs.
 */
import { Token } from "cdktf";
import { Construct } from "constructs";
import { parseIpv4Cidr } from "../../lib/cidr";
import { PropsError } from "../../lib/errors";
import { SubnetTier } from "../../lib/subnet-layout";

/**
 * What the stacks need of a network, whether `Network` created it or `Network.fromExisting`
 * adopted it. A tier the network does not have is an empty list.
 */
export interface INetwork {
  readonly vpcId: string;
  /** Undefined for an adopted VPC whose CIDR was not given. */
  readonly vpcCidr?: string;
  readonly availabilityZones: string[];
  /** One per zone, in the order of availabilityZones: the load balancer's, and the instances' without NAT. */
  readonly publicSubnetIds: string[];
  /** One per zone, or empty when there is no private tier (no NAT: the instances use the public subnets). */
  readonly privateSubnetIds: string[];
  /** One per zone, or empty when there is no database tier. */
  readonly databaseSubnetIds: string[];
}

export interface ExistingNetworkProps {
  /** Id of the VPC, e.g. "vpc-0123456789abcdef0". */
  readonly vpcId: string;
  /**
   * The VPC's primary CIDR, for allow-lists; only recorded (nothing checks it against AWS).
   * @default - unknown: `vpcCidr` is undefined
   */
  readonly vpcCidr?: string;
  /** The zones of the subnets below, at least 2 distinct, in the order the subnet lists follow. */
  readonly availabilityZones: string[];
  /** Subnets routed to an internet gateway, one per zone in the order of `availabilityZones`. */
  readonly publicSubnetIds: string[];
  /**
   * Subnets with outbound internet access through the owner's NAT, one per zone.
   * @default - none: `privateSubnetIds` is empty (instances then run in the public subnets)
   */
  readonly privateSubnetIds?: string[];
  /**
   * Subnets for the database's subnet group, one per zone.
   * @default - none: `databaseSubnetIds` is empty
   */
  readonly databaseSubnetIds?: string[];
}

type Fail = (prop: string, message: string) => never;

const TIER_IDS: Record<SubnetTier, "publicSubnetIds" | "privateSubnetIds" | "databaseSubnetIds"> = {
  public: "publicSubnetIds",
  private: "privateSubnetIds",
  database: "databaseSubnetIds",
};

/** Created by `Network.fromExisting`; creates no resources. */
export class ExistingNetwork extends Construct implements INetwork {
  readonly vpcId: string;
  readonly vpcCidr?: string;
  readonly availabilityZones: string[];
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly databaseSubnetIds: string[];

  constructor(scope: Construct, id: string, props: ExistingNetworkProps) {
    super(scope, id);
    const fail: Fail = (prop, message) => {
      throw new PropsError("Network", id, prop, message);
    };
    if (typeof props.vpcId !== "string" || props.vpcId === "") {
      fail("vpcId", `is empty (the id of the VPC, e.g. "vpc-0123456789abcdef0")`);
    }
    if (!Token.isUnresolved(props.vpcId) && !/^vpc-[0-9a-f]{8,17}$/.test(props.vpcId)) {
      fail("vpcId", `"${props.vpcId}" is not a VPC id (e.g. "vpc-0123456789abcdef0")`);
    }
    if (props.vpcCidr !== undefined) {
      const parsed = parseIpv4Cidr(props.vpcCidr);
      if ("error" in parsed) fail("vpcCidr", parsed.error);
    }
    const zones = validateZones(props.availabilityZones, fail);
    const ids = validateSubnetIds(props, zones, fail);

    this.vpcId = props.vpcId;
    this.vpcCidr = props.vpcCidr;
    this.availabilityZones = [...zones];
    this.publicSubnetIds = ids.public;
    this.privateSubnetIds = ids.private;
    this.databaseSubnetIds = ids.database;
  }
}

export function validateZones(zones: string[], fail: Fail): string[] {
  if (!Array.isArray(zones) || zones.length < 2) {
    fail(
      "availabilityZones",
      `${Array.isArray(zones) ? zones.length : 0} given, at least 2 are required (distinct zones, so the load balancer and database survive a zone outage)`,
    );
  }
  const seen = new Set<string>();
  zones.forEach((zone, i) => {
    if (typeof zone !== "string" || zone.trim() === "") {
      fail(`availabilityZones[${i}]`, `is empty (a zone name such as "eu-west-1a")`);
    }
    if (seen.has(zone)) {
      fail("availabilityZones", `"${zone}" is listed more than once (each zone at most once)`);
    }
    seen.add(zone);
  });
  return zones;
}

function validateSubnetIds(props: ExistingNetworkProps, zones: string[], fail: Fail): Record<SubnetTier, string[]> {
  const resolved = {} as Record<SubnetTier, string[]>;
  const claimed = new Map<string, string>();
  for (const tier of Object.keys(TIER_IDS) as SubnetTier[]) {
    const prop = TIER_IDS[tier];
    const ids = props[prop];
    if (ids === undefined && tier !== "public") {
      resolved[tier] = [];
      continue;
    }
    // A list that is itself a token (e.g. another stack's output) cannot be counted or checked here.
    if (Token.isUnresolved(ids)) {
      resolved[tier] = ids as string[];
      continue;
    }
    if (!Array.isArray(ids) || ids.length !== zones.length) {
      fail(
        prop,
        `${Array.isArray(ids) ? ids.length : 0} subnet ids for ${zones.length} availability zones (exactly one per zone, in the order of availabilityZones${tier === "public" ? "" : `; leave ${prop} out for no ${tier} tier`})`,
      );
    }
    ids.forEach((subnetId, i) => {
      const label = `${prop}[${i}]`;
      if (typeof subnetId !== "string" || subnetId === "") {
        fail(label, `is empty (a subnet id such as "subnet-0123456789abcdef0")`);
      }
      if (Token.isUnresolved(subnetId)) return;
      if (!/^subnet-[0-9a-f]{8,17}$/.test(subnetId)) {
        fail(label, `"${subnetId}" is not a subnet id (e.g. "subnet-0123456789abcdef0")`);
      }
      const other = claimed.get(subnetId);
      if (other) fail(label, `"${subnetId}" is also ${other} (each subnet serves one tier and one zone)`);
      claimed.set(subnetId, label);
    });
    resolved[tier] = [...ids];
  }
  return resolved;
}
