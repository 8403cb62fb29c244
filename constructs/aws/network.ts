/**
 * The AWS network every other construct sits in: a VPC with public, private and database
 * subnet tiers across the given availability zones, NAT for outbound traffic from the
 * private tier, a locked-down default security group and optional VPC flow logs. Without NAT the
 * private tier is left out (the instances run in the public subnets with public addresses), and
 * without a database so is the database tier. `Network.fromExisting` adopts a VPC someone else owns.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Construct } from "constructs";
import { contains, Ipv4Block, overlaps, parseIpv4Cidr } from "../../lib/cidr";
import { carvedSubnet, SUBNET_TIERS, SubnetTier } from "../../lib/subnet-layout";
import { PropsError } from "../../lib/errors";
import { ExistingNetwork, ExistingNetworkProps, INetwork, validateZones } from "./existing-network";

export type { ExistingNetworkProps, INetwork } from "./existing-network";

/**
 * How the private subnets reach the internet.
 * - `per-az`: one NAT gateway per AZ, each private subnet uses the one in its own AZ (survives an AZ outage).
 * - `single`: one NAT gateway in the first public subnet shared by every AZ (cheaper; for dev).
 * - `none`: no NAT gateway. The private tier is then left out unless `privateSubnets` asks for it
 *   (isolated: no default route); instances run in the public subnets with public addresses instead.
 */
export type NatGatewayMode = "single" | "per-az" | "none";

export interface FlowLogOptions {
  /**
   * Days CloudWatch keeps flow log records; one of the values CloudWatch accepts
   * (0 keeps them forever).
   * @default 30
   */
  readonly retentionDays?: number;
  /**
   * Which traffic is recorded. ALL is the default because an investigation mostly needs the
   * accepted flows (exfiltration and lateral movement are accepted traffic); REJECT only is cheaper.
   * @default "ALL"
   */
  readonly trafficType?: "ALL" | "ACCEPT" | "REJECT";
  /**
   * ARN of a KMS key that encrypts the log group. Its key policy must allow the CloudWatch Logs
   * service principal of the region.
   * @default - CloudWatch Logs' service-managed encryption
   */
  readonly kmsKeyArn?: string;
}

export interface NetworkProps {
  /**
   * Prefix for resource names and `Name` tags, e.g. "prod-web". Letters, digits and hyphens,
   * at most 40 characters (the flow log IAM role name adds a suffix and IAM allows 64).
   */
  readonly name: string;
  /** VPC CIDR, e.g. "10.20.0.0/16"; AWS accepts prefixes /16 to /28. */
  readonly cidr: string;
  /** At least 2 distinct availability zones, e.g. ["eu-west-1a", "eu-west-1b"]; every tier gets one subnet in each. */
  readonly availabilityZones: string[];
  /**
   * Public subnet CIDRs, one per AZ in the order of `availabilityZones`.
   * @default - carved from `cidr` with carvedSubnet(cidr, "public", i) (lib/subnet-layout.ts)
   */
  readonly publicSubnetCidrs?: string[];
  /**
   * Private subnet CIDRs, one per AZ in the order of `availabilityZones`.
   * @default - carved from `cidr` with carvedSubnet(cidr, "private", i) (lib/subnet-layout.ts)
   */
  readonly privateSubnetCidrs?: string[];
  /**
   * Database subnet CIDRs, one per AZ in the order of `availabilityZones`.
   * @default - carved from `cidr` with carvedSubnet(cidr, "database", i) (lib/subnet-layout.ts)
   */
  readonly databaseSubnetCidrs?: string[];
  /**
   * NAT gateways for outbound traffic from the private subnets (see NatGatewayMode).
   * @default "per-az"
   */
  readonly natGateways?: NatGatewayMode;
  /**
   * Whether the private tier (subnets, one route table per zone) exists. Without NAT nothing needs it:
   * the instances run in the public subnets. `true` with `natGateways: "none"` gives private subnets
   * with no route out of the VPC (e.g. for workloads reaching AWS through VPC endpoints only).
   * The carved positions do not move, so turning a tier on later renumbers nothing.
   * @default - true, except with natGateways "none"
   */
  readonly privateSubnets?: boolean;
  /**
   * Whether the database tier (subnets and their route-less route table) exists; false for an
   * environment without a database.
   * @default true
   */
  readonly databaseSubnets?: boolean;
  /**
   * VPC flow logs to a CloudWatch log group; `true` uses the FlowLogOptions defaults.
   * @default false
   */
  readonly flowLogs?: boolean | FlowLogOptions;
}

const NAT_MODES: readonly NatGatewayMode[] = ["single", "per-az", "none"];
const TRAFFIC_TYPES = ["ALL", "ACCEPT", "REJECT"] as const;
/** The values aws_cloudwatch_log_group.retention_in_days accepts. */
const RETENTION_DAYS = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
/** AWS limits for both VPC and subnet CIDR blocks. */
const LARGEST_BLOCK_PREFIX = 16;
const SMALLEST_BLOCK_PREFIX = 28;
const TIER_PROPS: Record<SubnetTier, "publicSubnetCidrs" | "privateSubnetCidrs" | "databaseSubnetCidrs"> = {
  public: "publicSubnetCidrs",
  private: "privateSubnetCidrs",
  database: "databaseSubnetCidrs",
};

export class Network extends Construct implements INetwork {
  /**
   * A VPC and subnets that exist already, by id: creates nothing (no default security group
   * takeover, NAT, routes or flow logs) and reads nothing (no data source, so offline plans work).
   * @throws PropsError when an id is empty or malformed, or a tier lists other than one subnet per zone
   */
  static fromExisting(scope: Construct, id: string, props: ExistingNetworkProps): INetwork {
    return new ExistingNetwork(scope, id, props);
  }

  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly availabilityZones: string[];
  readonly publicSubnetIds: string[];
  /** Empty without a private tier (see `privateSubnets`). */
  readonly privateSubnetIds: string[];
  /** Empty without a database tier (see `databaseSubnets`). */
  readonly databaseSubnetIds: string[];
  /** Resolved literals (explicit or carved), in the order of availabilityZones; empty for a missing tier. */
  readonly publicSubnetCidrs: string[];
  readonly privateSubnetCidrs: string[];
  readonly databaseSubnetCidrs: string[];
  /** Empty when natGateways is "none"; one entry with "single". */
  readonly natGatewayIds: string[];
  /** Public addresses the private tier's outbound traffic comes from (for allow-lists elsewhere). */
  readonly natPublicIps: string[];
  readonly internetGatewayId: string;
  readonly publicRouteTableId: string;
  /** One per AZ, in the order of availabilityZones; empty without a private tier. */
  readonly privateRouteTableIds: string[];
  /**
   * Its routes are managed authoritatively (none besides the implicit local route): Terraform
   * removes any route added to it outside this construct. Gateway VPC endpoint associations are fine.
   * Undefined without a database tier.
   */
  readonly databaseRouteTableId?: string;
  /** Undefined when flow logs are off. */
  readonly flowLogGroupName?: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const fail = (prop: string, message: string): never => {
      throw new PropsError("Network", id, prop, message);
    };

    validateName(props.name, fail);
    const vpcBlock = validateVpcCidr(props.cidr, fail);
    const zones = validateZones(props.availabilityZones, fail);
    const natMode = props.natGateways ?? "per-az";
    if (!NAT_MODES.includes(natMode)) {
      fail("natGateways", `"${natMode}" is not a NAT gateway mode (${NAT_MODES.map((m) => `"${m}"`).join(", ")})`);
    }
    const privateTier = props.privateSubnets ?? natMode !== "none";
    if (!privateTier && natMode !== "none") {
      fail("privateSubnets", `false while natGateways is "${natMode}" (NAT gateways serve only the private tier; set natGateways: "none")`);
    }
    const wanted: Record<SubnetTier, boolean> = { public: true, private: privateTier, database: props.databaseSubnets ?? true };
    const tiers = SUBNET_TIERS.filter((tier) => wanted[tier]);
    const flowLogs = resolveFlowLogs(props.flowLogs, fail);
    const cidrs = resolveSubnetCidrs(props, tiers, vpcBlock, zones, fail);

    const name = props.name;
    this.availabilityZones = [...zones];
    this.vpcCidr = props.cidr;
    this.publicSubnetCidrs = cidrs.public;
    this.privateSubnetCidrs = cidrs.private;
    this.databaseSubnetCidrs = cidrs.database;

    const vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidr,
      // Both are needed for private DNS of interface endpoints and RDS endpoint resolution.
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: `${name}-vpc` },
    });
    this.vpcId = vpc.id;

    // Adopting the default security group is the only way to strip its allow-all rules;
    // empty lists make Terraform remove any rule added to it later.
    new DefaultSecurityGroup(this, "default-security-group", {
      vpcId: vpc.id,
      ingress: [],
      egress: [],
      tags: { Name: `${name}-default-locked` },
    });

    const igw = new InternetGateway(this, "internet-gateway", {
      vpcId: vpc.id,
      tags: { Name: `${name}-igw` },
    });
    this.internetGatewayId = igw.id;

    const subnets = (tier: SubnetTier): Subnet[] =>
      cidrs[tier].length === 0 ? [] : zones.map(
        (zone, i) =>
          new Subnet(this, `${tier}-subnet-${zone}`, {
            vpcId: vpc.id,
            availabilityZone: zone,
            cidrBlock: cidrs[tier][i],
            // Nothing in the public tier needs an automatic public address (the ALB gets its own),
            // and instances launched there by mistake should not become reachable.
            mapPublicIpOnLaunch: false,
            tags: { Name: `${name}-${tier}-${zone}`, Tier: tier },
          }),
      );
    const publicSubnets = subnets("public");
    const privateSubnets = subnets("private");
    const databaseSubnets = subnets("database");
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.databaseSubnetIds = databaseSubnets.map((s) => s.id);

    const associate = (tier: SubnetTier, subnet: Subnet, zone: string, routeTable: RouteTable): void => {
      new RouteTableAssociation(this, `${tier}-association-${zone}`, { subnetId: subnet.id, routeTableId: routeTable.id });
    };

    const publicRouteTable = new RouteTable(this, "public-route-table", {
      vpcId: vpc.id,
      tags: { Name: `${name}-public` },
    });
    new Route(this, "public-default-route", {
      routeTableId: publicRouteTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    });
    publicSubnets.forEach((subnet, i) => associate("public", subnet, zones[i], publicRouteTable));
    this.publicRouteTableId = publicRouteTable.id;

    // Keyed by zone so that switching single <-> per-az keeps the first zone's NAT and its address.
    const natZones = natMode === "per-az" ? zones : natMode === "single" ? [zones[0]] : [];
    const natGateways = natZones.map((zone, i) => {
      const eip = new Eip(this, `nat-eip-${zone}`, {
        domain: "vpc",
        tags: { Name: `${name}-nat-${zone}` },
        dependsOn: [igw],
      });
      const nat = new NatGateway(this, `nat-gateway-${zone}`, {
        allocationId: eip.allocationId,
        subnetId: publicSubnets[i].id,
        connectivityType: "public",
        tags: { Name: `${name}-nat-${zone}` },
        // A NAT gateway cannot pass traffic before the VPC has its internet gateway.
        dependsOn: [igw],
      });
      return { nat, eip };
    });
    this.natGatewayIds = natGateways.map(({ nat }) => nat.id);
    this.natPublicIps = natGateways.map(({ eip }) => eip.publicIp);

    // One table per AZ even with a single NAT, so moving to per-az only retargets routes.
    const privateRouteTables = privateSubnets.map((subnet, i) => {
      const zone = zones[i];
      const table = new RouteTable(this, `private-route-table-${zone}`, {
        vpcId: vpc.id,
        tags: { Name: `${name}-private-${zone}` },
      });
      const target = natMode === "per-az" ? natGateways[i] : natGateways[0];
      if (target) {
        new Route(this, `private-default-route-${zone}`, {
          routeTableId: table.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: target.nat.id,
        });
      }
      associate("private", subnet, zone, table);
      return table;
    });
    this.privateRouteTableIds = privateRouteTables.map((t) => t.id);

    if (databaseSubnets.length > 0) {
      // `route = []` makes the local route the only one: an internet route added by hand is removed on the next apply.
      const databaseRouteTable = new RouteTable(this, "database-route-table", {
        vpcId: vpc.id,
        route: [],
        tags: { Name: `${name}-database` },
      });
      databaseSubnets.forEach((subnet, i) => associate("database", subnet, zones[i], databaseRouteTable));
      this.databaseRouteTableId = databaseRouteTable.id;
    }

    if (flowLogs) {
      const logGroup = new CloudwatchLogGroup(this, "flow-log-group", {
        name: `/vpc/${name}/flow-logs`,
        retentionInDays: flowLogs.retentionDays,
        kmsKeyId: flowLogs.kmsKeyArn,
        tags: { Name: `${name}-flow-logs` },
      });
      const role = new IamRole(this, "flow-log-role", {
        name: `${name}-vpc-flow-logs`,
        description: `Lets the VPC flow logs of ${name} write to their log group`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "vpc-flow-logs.amazonaws.com" },
              Action: "sts:AssumeRole",
              // Confused-deputy guard; the VPC's owner is this account, which avoids an account-id data source.
              Condition: { StringEquals: { "aws:SourceAccount": vpc.ownerId } },
            },
          ],
        }),
        tags: { Name: `${name}-vpc-flow-logs` },
      });
      new IamRolePolicy(this, "flow-log-policy", {
        name: "write-flow-logs",
        role: role.id,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              // The log group exists already, so no logs:CreateLogGroup and nothing on "*".
              Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
              Resource: `${logGroup.arn}:*`,
            },
          ],
        }),
      });
      new FlowLog(this, "flow-log", {
        vpcId: vpc.id,
        trafficType: flowLogs.trafficType,
        logDestinationType: "cloud-watch-logs",
        logDestination: logGroup.arn,
        iamRoleArn: role.arn,
        tags: { Name: `${name}-vpc-flow-log` },
      });
      this.flowLogGroupName = logGroup.name;
    }
  }
}

type Fail = (prop: string, message: string) => never;

function validateName(name: string, fail: Fail): void {
  if (typeof name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/.test(name)) {
    fail("name", `"${name}" is not a usable name (1 to 40 letters, digits or hyphens, starting with a letter or digit)`);
  }
}

function validateVpcCidr(cidr: string, fail: Fail): Ipv4Block {
  const parsed = parseIpv4Cidr(cidr);
  if ("error" in parsed) return fail("cidr", parsed.error);
  checkBlockSize("cidr", "VPC", parsed, fail);
  return parsed;
}

function checkBlockSize(prop: string, what: string, block: Ipv4Block, fail: Fail): void {
  if (block.prefix < LARGEST_BLOCK_PREFIX || block.prefix > SMALLEST_BLOCK_PREFIX) {
    fail(prop, `${block.text} has a size AWS does not accept for a ${what} (prefixes /${LARGEST_BLOCK_PREFIX} to /${SMALLEST_BLOCK_PREFIX})`);
  }
}

function resolveFlowLogs(
  flowLogs: NetworkProps["flowLogs"],
  fail: Fail,
): Required<Pick<FlowLogOptions, "retentionDays" | "trafficType">> & FlowLogOptions | undefined {
  if (!flowLogs) return undefined;
  const options = flowLogs === true ? {} : flowLogs;
  const retentionDays = options.retentionDays ?? 30;
  const trafficType = options.trafficType ?? "ALL";
  if (!RETENTION_DAYS.includes(retentionDays)) {
    fail("flowLogs.retentionDays", `${retentionDays} is not a CloudWatch retention period (one of ${RETENTION_DAYS.join(", ")})`);
  }
  if (!TRAFFIC_TYPES.includes(trafficType)) {
    fail("flowLogs.trafficType", `"${trafficType}" is not a traffic type (${TRAFFIC_TYPES.map((t) => `"${t}"`).join(", ")})`);
  }
  return { ...options, retentionDays, trafficType };
}

function resolveSubnetCidrs(
  props: NetworkProps,
  tiers: SubnetTier[],
  vpc: Ipv4Block,
  zones: string[],
  fail: Fail,
): Record<SubnetTier, string[]> {
  const resolved = {} as Record<SubnetTier, string[]>;
  const claimed: { label: string; block: Ipv4Block }[] = [];
  for (const tier of Object.keys(TIER_PROPS) as SubnetTier[]) {
    const prop = TIER_PROPS[tier];
    const explicit = props[prop];
    if (!tiers.includes(tier)) {
      if (explicit !== undefined) {
        fail(prop, `given, but there is no ${tier} tier (${tier === "private" ? 'natGateways is "none" and privateSubnets is not true' : "databaseSubnets is false"})`);
      }
      resolved[tier] = [];
      continue;
    }
    if (explicit !== undefined && (!Array.isArray(explicit) || explicit.length !== zones.length)) {
      fail(
        prop,
        `${Array.isArray(explicit) ? explicit.length : 0} CIDRs for ${zones.length} availability zones (exactly one per zone, in the order of availabilityZones)`,
      );
    }
    resolved[tier] = zones.map((_, i) => {
      if (explicit) return explicit[i];
      try {
        return carvedSubnet(vpc, tier, i);
      } catch (error) {
        return fail(prop, `not given and cannot be carved: ${(error as Error).message}`);
      }
    });
    resolved[tier].forEach((text, i) => {
      const label = `${prop}[${i}]`;
      const block = parseIpv4Cidr(text);
      if ("error" in block) return fail(label, block.error);
      checkBlockSize(label, "subnet", block, fail);
      if (!contains(vpc, block)) {
        fail(label, `${text} is outside the VPC ${vpc.text} (subnets must lie inside cidr)`);
      }
      const clash = claimed.find((other) => overlaps(other.block, block));
      if (clash) {
        fail(label, `${text} overlaps ${clash.label} ${clash.block.text} (subnets must not overlap)`);
      }
      claimed.push({ label, block });
    });
  }
  return resolved;
}
