/**
 * What both AWS diagrams read about subnets: their VPC, Tier tag, zone and CIDR, the routes to a
 * NAT gateway or internet gateway their route tables hold, and their grouping into tiers.
 */
import { blocks, StackResources } from "../lib/terraform-json";
import { isString, listOrNone, shown, unique } from "./graph";

export interface AwsSubnet {
  readonly address: string;
  readonly vpc?: string;
  readonly tier: string;
  readonly zone: string;
  readonly cidr: string;
}

export interface AwsRoute {
  readonly destination: string;
  readonly nat?: string;
  readonly igw?: string;
}

export interface AwsTier {
  /** Unique per VPC and Tier tag. */
  readonly key: string;
  readonly vpc?: string;
  readonly name: string;
  /** Ordered by zone, then address. */
  readonly members: AwsSubnet[];
}

export class AwsSubnets {
  private readonly byAddress = new Map<string, AwsSubnet>();
  private readonly routesOfTable = new Map<string, AwsRoute[]>();
  private readonly tableOfSubnet = new Map<string, string>();

  constructor(private readonly stack: StackResources) {
    for (const subnet of stack.ofType("aws_subnet")) {
      const body = subnet.config;
      this.byAddress.set(subnet.address, {
        address: subnet.address,
        vpc: stack.target(body.vpc_id, "aws_vpc")?.address,
        tier: isString(body.tags?.Tier) ? body.tags.Tier : "untiered",
        zone: shown(body.availability_zone ?? body.availability_zone_id),
        cidr: shown(body.cidr_block),
      });
    }
    for (const table of stack.ofType("aws_route_table")) for (const route of blocks(table.config.route)) this.addRoute(table.address, route);
    for (const route of stack.ofType("aws_route")) this.addRoute(stack.target(route.config.route_table_id, "aws_route_table")?.address, route.config);
    for (const association of stack.ofType("aws_route_table_association")) {
      const subnet = stack.target(association.config.subnet_id, "aws_subnet")?.address;
      const table = stack.target(association.config.route_table_id, "aws_route_table")?.address;
      if (subnet && table) this.tableOfSubnet.set(subnet, table);
    }
  }

  private addRoute(table: string | undefined, route: any): void {
    if (!table) return;
    const nat = this.stack.target(route.nat_gateway_id, "aws_nat_gateway")?.address;
    const igw = this.stack.target(route.gateway_id, "aws_internet_gateway")?.address;
    if (!nat && !igw) return;
    const destination = shown(route.destination_cidr_block ?? route.cidr_block ?? route.destination_ipv6_cidr_block ?? route.ipv6_cidr_block);
    this.routesOfTable.set(table, [...(this.routesOfTable.get(table) ?? []), { destination, nat, igw }]);
  }

  get(address: string): AwsSubnet | undefined {
    return this.byAddress.get(address);
  }

  /** The subnets a value (`subnet_ids`, `vpc_zone_identifier`, …) references. */
  in(value: unknown): AwsSubnet[] {
    return this.stack.targetsIn(value, "aws_subnet").flatMap((key) => (this.byAddress.has(key) ? [this.byAddress.get(key)!] : []));
  }

  /** Routes to a NAT gateway or internet gateway in the subnet's route table. */
  routes(subnet: string): AwsRoute[] {
    return this.routesOfTable.get(this.tableOfSubnet.get(subnet) ?? "") ?? [];
  }

  /** One tier per VPC and Tier tag, ordered by their lowest address (public, private, database, …). */
  tiers(): AwsTier[] {
    const tiers = new Map<string, AwsSubnet[]>();
    for (const subnet of this.byAddress.values()) {
      const key = tierKey(subnet);
      tiers.set(key, [...(tiers.get(key) ?? []), subnet]);
    }
    const lowest = (members: AwsSubnet[]) => Math.min(...members.map((subnet) => ipv4ToNumber(subnet.cidr)));
    return [...tiers.entries()]
      .sort(([a, left], [b, right]) => lowest(left) - lowest(right) || a.localeCompare(b))
      .map(([key, members]) => ({
        key,
        vpc: members[0].vpc,
        name: members[0].tier,
        members: [...members].sort((a, b) => a.zone.localeCompare(b.zone) || ipv4ToNumber(a.cidr) - ipv4ToNumber(b.cidr)),
      }));
  }
}

export function tierKey(subnet: AwsSubnet): string {
  return `tier:${subnet.vpc ?? "-"}:${subnet.tier}`;
}

/** "private subnets: eu-west-1a, eu-west-1b" (one tier) or "subnets: eu-west-1a, …" (several). */
export function placement(members: AwsSubnet[]): string {
  const tiers = unique(members.map((subnet) => subnet.tier));
  return `${tiers.length === 1 ? `${tiers[0]} ` : ""}subnets: ${listOrNone(unique(members.map((subnet) => subnet.zone)))}`;
}

export function ipv4ToNumber(cidr: string): number {
  const parts = cidr.split("/")[0].split(".").map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part))) return Number.MAX_SAFE_INTEGER;
  return ((parts[0] * 256 + parts[1]) * 256 + parts[2]) * 256 + parts[3];
}
