import { TerraformOutput } from "cdktf";
import { Network, NetworkProps } from "../../constructs/aws/network";
import { idOf, ref, Synthesized, synthWith } from "../support/synth";

const base: NetworkProps = {
  name: "prod-web",
  cidr: "10.20.0.0/16",
  availabilityZones: ["eu-west-1a", "eu-west-1b"],
};

function build(overrides: Partial<NetworkProps> = {}): { synth: Synthesized; network: Network } {
  let network!: Network;
  const synth = synthWith("aws", (scope) => {
    network = new Network(scope, "net", { ...base, ...overrides });
  });
  return { synth, network };
}

function construct(overrides: Partial<NetworkProps>): () => Network {
  return () => {
    let network!: Network;
    synthWith("aws", (scope) => {
      network = new Network(scope, "net", { ...base, ...overrides });
    });
    return network;
  };
}

const byName = (name: string) => (resource: any) => resource.tags?.Name === name;
const subnetId = (synth: Synthesized, tier: string, zone: string) =>
  idOf(synth, "aws_subnet", byName(`prod-web-${tier}-${zone}`));
const routesOf = (synth: Synthesized, tableId: string) =>
  Object.values(synth.resources("aws_route")).filter((r: any) => r.route_table_id === ref("aws_route_table", tableId, "id"));
const natId = (synth: Synthesized, zone: string) => idOf(synth, "aws_nat_gateway", byName(`prod-web-nat-${zone}`));
const privateTableId = (synth: Synthesized, zone: string) =>
  idOf(synth, "aws_route_table", byName(`prod-web-private-${zone}`));

describe("VPC and subnets", () => {
  test("VPC has DNS support and hostnames, and the attributes point at it", () => {
    const { synth, network } = build();
    const vpc = synth.only("aws_vpc");
    expect(vpc).toMatchObject({
      cidr_block: "10.20.0.0/16",
      enable_dns_support: true,
      enable_dns_hostnames: true,
      tags: { Name: "prod-web-vpc" },
    });
    const vpcId = idOf(synth, "aws_vpc");
    expect(network.vpcCidr).toBe("10.20.0.0/16");
    expect(network.availabilityZones).toEqual(["eu-west-1a", "eu-west-1b"]);
    for (const subnet of Object.values(synth.resources("aws_subnet"))) {
      expect(subnet.vpc_id).toBe(ref("aws_vpc", vpcId, "id"));
    }
  });

  test("carves fixed positions per tier and zone", () => {
    const { network } = build({ availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] });
    expect(network.publicSubnetCidrs).toEqual(["10.20.0.0/21", "10.20.8.0/21", "10.20.16.0/21"]);
    expect(network.privateSubnetCidrs).toEqual(["10.20.64.0/21", "10.20.72.0/21", "10.20.80.0/21"]);
    expect(network.databaseSubnetCidrs).toEqual(["10.20.128.0/21", "10.20.136.0/21", "10.20.144.0/21"]);
  });

  test("adding a third zone leaves the first two subnets of every tier unchanged", () => {
    const two = build().network;
    const three = build({ availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }).network;
    expect(three.publicSubnetCidrs.slice(0, 2)).toEqual(two.publicSubnetCidrs);
    expect(three.privateSubnetCidrs.slice(0, 2)).toEqual(two.privateSubnetCidrs);
    expect(three.databaseSubnetCidrs.slice(0, 2)).toEqual(two.databaseSubnetCidrs);
  });

  test("subnets carry their zone, CIDR, Tier tag and no public IP on launch", () => {
    const { synth, network } = build();
    const subnets = synth.resources("aws_subnet");
    expect(Object.keys(subnets)).toHaveLength(6);
    for (const subnet of Object.values(subnets)) expect(subnet.map_public_ip_on_launch).toBe(false);
    expect(subnets[subnetId(synth, "private", "eu-west-1b")]).toMatchObject({
      availability_zone: "eu-west-1b",
      cidr_block: "10.20.72.0/21",
      tags: { Name: "prod-web-private-eu-west-1b", Tier: "private" },
    });
    expect(subnets[subnetId(synth, "public", "eu-west-1a")].tags.Tier).toBe("public");
    expect(subnets[subnetId(synth, "database", "eu-west-1a")].tags.Tier).toBe("database");
    expect(network.publicSubnetIds).toHaveLength(2);
    expect(network.privateSubnetIds).toHaveLength(2);
    expect(network.databaseSubnetIds).toHaveLength(2);
  });

  test("explicit CIDRs are used verbatim", () => {
    const explicit = {
      cidr: "10.40.0.0/24",
      publicSubnetCidrs: ["10.40.0.0/27", "10.40.0.32/27"],
      privateSubnetCidrs: ["10.40.0.64/27", "10.40.0.96/27"],
      databaseSubnetCidrs: ["10.40.0.128/28", "10.40.0.144/28"],
    };
    const { synth, network } = build(explicit);
    expect(network.publicSubnetCidrs).toEqual(explicit.publicSubnetCidrs);
    expect(network.privateSubnetCidrs).toEqual(explicit.privateSubnetCidrs);
    expect(network.databaseSubnetCidrs).toEqual(explicit.databaseSubnetCidrs);
    expect(synth.resources("aws_subnet")[subnetId(synth, "database", "eu-west-1b")].cidr_block).toBe("10.40.0.144/28");
  });

  test("an explicit tier is combined with carved ones", () => {
    const { network } = build({ databaseSubnetCidrs: ["10.20.200.0/24", "10.20.201.0/24"] });
    expect(network.publicSubnetCidrs).toEqual(["10.20.0.0/21", "10.20.8.0/21"]);
    expect(network.databaseSubnetCidrs).toEqual(["10.20.200.0/24", "10.20.201.0/24"]);
  });
});

describe("attributes", () => {
  test("resolve to the resources they name, in zone order", () => {
    const synth = synthWith("aws", (scope) => {
      const network = new Network(scope, "net", { ...base, natGateways: "per-az", flowLogs: true });
      const out = (id: string, value: unknown) => new TerraformOutput(scope, id, { value });
      out("vpc", network.vpcId);
      out("public", network.publicSubnetIds);
      out("private", network.privateSubnetIds);
      out("database", network.databaseSubnetIds);
      out("nats", network.natGatewayIds);
      out("ips", network.natPublicIps);
      out("igw", network.internetGatewayId);
      out("publicTable", network.publicRouteTableId);
      out("privateTables", network.privateRouteTableIds);
      out("databaseTable", network.databaseRouteTableId);
      out("logGroup", network.flowLogGroupName);
    });
    const value = (id: string) => synth.outputs()[id].value;
    const zones = ["eu-west-1a", "eu-west-1b"];
    expect(value("vpc")).toBe(ref("aws_vpc", idOf(synth, "aws_vpc"), "id"));
    for (const tier of ["public", "private", "database"]) {
      expect(value(tier)).toEqual(zones.map((zone) => ref("aws_subnet", subnetId(synth, tier, zone), "id")));
    }
    expect(value("nats")).toEqual(zones.map((zone) => ref("aws_nat_gateway", natId(synth, zone), "id")));
    expect(value("ips")).toEqual(
      zones.map((zone) => ref("aws_eip", idOf(synth, "aws_eip", byName(`prod-web-nat-${zone}`)), "public_ip")),
    );
    expect(value("igw")).toBe(ref("aws_internet_gateway", idOf(synth, "aws_internet_gateway"), "id"));
    expect(value("publicTable")).toBe(ref("aws_route_table", idOf(synth, "aws_route_table", byName("prod-web-public")), "id"));
    expect(value("privateTables")).toEqual(zones.map((zone) => ref("aws_route_table", privateTableId(synth, zone), "id")));
    expect(value("databaseTable")).toBe(
      ref("aws_route_table", idOf(synth, "aws_route_table", byName("prod-web-database")), "id"),
    );
    expect(value("logGroup")).toBe(ref("aws_cloudwatch_log_group", idOf(synth, "aws_cloudwatch_log_group"), "name"));
  });
});

describe("routing", () => {
  test("public route table sends 0.0.0.0/0 to the internet gateway and holds the public subnets", () => {
    const { synth, network } = build();
    const igwId = idOf(synth, "aws_internet_gateway");
    expect(synth.only("aws_internet_gateway")).toMatchObject({
      vpc_id: ref("aws_vpc", idOf(synth, "aws_vpc"), "id"),
      tags: { Name: "prod-web-igw" },
    });
    const publicTable = idOf(synth, "aws_route_table", byName("prod-web-public"));
    expect(routesOf(synth, publicTable)).toEqual([
      {
        route_table_id: ref("aws_route_table", publicTable, "id"),
        destination_cidr_block: "0.0.0.0/0",
        gateway_id: ref("aws_internet_gateway", igwId, "id"),
      },
    ]);
    const associations = Object.values(synth.resources("aws_route_table_association"));
    for (const zone of network.availabilityZones) {
      expect(associations).toContainEqual({
        subnet_id: ref("aws_subnet", subnetId(synth, "public", zone), "id"),
        route_table_id: ref("aws_route_table", publicTable, "id"),
      });
    }
    expect(network.internetGatewayId).toBeDefined();
  });

  test("database route table has no routes at all (local only), authoritatively", () => {
    const { synth } = build();
    const databaseTableId = idOf(synth, "aws_route_table", byName("prod-web-database"));
    const table = synth.resources("aws_route_table")[databaseTableId];
    expect(table.route).toEqual([]);
    expect(routesOf(synth, databaseTableId)).toEqual([]);
    const associations = Object.values(synth.resources("aws_route_table_association"));
    for (const zone of ["eu-west-1a", "eu-west-1b"]) {
      expect(associations).toContainEqual({
        subnet_id: ref("aws_subnet", subnetId(synth, "database", zone), "id"),
        route_table_id: ref("aws_route_table", databaseTableId, "id"),
      });
    }
  });

  test("every subnet is associated with exactly one route table", () => {
    const { synth } = build();
    const associated = Object.values(synth.resources("aws_route_table_association")).map((a: any) => a.subnet_id);
    const subnets = Object.keys(synth.resources("aws_subnet")).map((id) => ref("aws_subnet", id, "id"));
    expect(associated.sort()).toEqual(subnets.sort());
  });
});

describe("NAT gateways", () => {
  test("per-az is the default: one NAT + EIP per zone, each private subnet routes to its own zone's NAT", () => {
    const { synth, network } = build({ availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] });
    const igw = `aws_internet_gateway.${idOf(synth, "aws_internet_gateway")}`;
    expect(Object.keys(synth.resources("aws_nat_gateway"))).toHaveLength(3);
    expect(Object.keys(synth.resources("aws_eip"))).toHaveLength(3);
    for (const zone of network.availabilityZones) {
      const eipId = idOf(synth, "aws_eip", byName(`prod-web-nat-${zone}`));
      expect(synth.resources("aws_eip")[eipId]).toMatchObject({ domain: "vpc", depends_on: [igw] });
      expect(synth.resources("aws_nat_gateway")[natId(synth, zone)]).toMatchObject({
        allocation_id: ref("aws_eip", eipId, "allocation_id"),
        subnet_id: ref("aws_subnet", subnetId(synth, "public", zone), "id"),
        connectivity_type: "public",
        depends_on: [igw],
      });
      const table = privateTableId(synth, zone);
      expect(routesOf(synth, table)).toEqual([
        {
          route_table_id: ref("aws_route_table", table, "id"),
          destination_cidr_block: "0.0.0.0/0",
          nat_gateway_id: ref("aws_nat_gateway", natId(synth, zone), "id"),
        },
      ]);
      expect(Object.values(synth.resources("aws_route_table_association"))).toContainEqual({
        subnet_id: ref("aws_subnet", subnetId(synth, "private", zone), "id"),
        route_table_id: ref("aws_route_table", table, "id"),
      });
    }
    expect(network.natGatewayIds).toHaveLength(3);
    expect(network.natPublicIps).toHaveLength(3);
  });

  test("single: one NAT in the first public subnet, every private route table uses it", () => {
    const { synth, network } = build({ natGateways: "single" });
    const nat = synth.only("aws_nat_gateway");
    expect(nat.subnet_id).toBe(ref("aws_subnet", subnetId(synth, "public", "eu-west-1a"), "id"));
    synth.only("aws_eip");
    for (const zone of ["eu-west-1a", "eu-west-1b"]) {
      const routes = routesOf(synth, privateTableId(synth, zone));
      expect(routes).toHaveLength(1);
      expect(routes[0]).toMatchObject({
        destination_cidr_block: "0.0.0.0/0",
        nat_gateway_id: ref("aws_nat_gateway", natId(synth, "eu-west-1a"), "id"),
      });
    }
    expect(network.natGatewayIds).toHaveLength(1);
    expect(network.natPublicIps).toHaveLength(1);
  });

  test("none: no NAT, no EIP, no private tier; only the public route to the internet gateway", () => {
    const { synth, network } = build({ natGateways: "none" });
    expect(synth.resources("aws_nat_gateway")).toEqual({});
    expect(synth.resources("aws_eip")).toEqual({});
    const tiers = Object.values(synth.resources("aws_subnet")).map((subnet: any) => subnet.tags.Tier);
    expect(tiers.sort()).toEqual(["database", "database", "public", "public"]);
    const tables = Object.values(synth.resources("aws_route_table")).map((table: any) => table.tags.Name);
    expect(tables.sort()).toEqual(["prod-web-database", "prod-web-public"]);
    const route = synth.only("aws_route");
    expect(route).toMatchObject({
      route_table_id: ref("aws_route_table", idOf(synth, "aws_route_table", byName("prod-web-public")), "id"),
      destination_cidr_block: "0.0.0.0/0",
      gateway_id: ref("aws_internet_gateway", idOf(synth, "aws_internet_gateway"), "id"),
    });
    expect(Object.keys(synth.resources("aws_route_table_association"))).toHaveLength(4);
    expect(network.privateSubnetIds).toEqual([]);
    expect(network.privateSubnetCidrs).toEqual([]);
    expect(network.privateRouteTableIds).toEqual([]);
    expect(network.natGatewayIds).toEqual([]);
    expect(network.natPublicIps).toEqual([]);
    // The other tiers keep their carved positions: adding NAT later renumbers nothing.
    expect(network.publicSubnetCidrs).toEqual(["10.20.0.0/21", "10.20.8.0/21"]);
    expect(network.databaseSubnetCidrs).toEqual(["10.20.128.0/21", "10.20.136.0/21"]);
  });

  test("none with privateSubnets: an isolated private tier, one route table per zone and no default route", () => {
    const { synth, network } = build({ natGateways: "none", privateSubnets: true });
    expect(synth.resources("aws_nat_gateway")).toEqual({});
    for (const zone of ["eu-west-1a", "eu-west-1b"]) {
      expect(routesOf(synth, privateTableId(synth, zone))).toEqual([]);
    }
    expect(Object.values(synth.resources("aws_route"))).toHaveLength(1);
    expect(network.privateSubnetCidrs).toEqual(["10.20.64.0/21", "10.20.72.0/21"]);
    expect(network.privateRouteTableIds).toHaveLength(2);
  });

  test("no route anywhere targets the internet from the database tier in any NAT mode", () => {
    for (const natGateways of ["per-az", "single", "none"] as const) {
      const { synth } = build({ natGateways });
      const databaseTableId = idOf(synth, "aws_route_table", byName("prod-web-database"));
      expect(routesOf(synth, databaseTableId)).toEqual([]);
    }
  });
});

describe("database tier", () => {
  test("databaseSubnets false: no database subnets, route table or associations; other tiers keep their CIDRs", () => {
    const { synth, network } = build({ databaseSubnets: false });
    const tiers = Object.values(synth.resources("aws_subnet")).map((subnet: any) => subnet.tags.Tier);
    expect(tiers.sort()).toEqual(["private", "private", "public", "public"]);
    expect(Object.values(synth.resources("aws_route_table")).map((table: any) => table.tags.Name)).not.toContain("prod-web-database");
    expect(Object.keys(synth.resources("aws_route_table_association"))).toHaveLength(4);
    expect(network.databaseSubnetIds).toEqual([]);
    expect(network.databaseSubnetCidrs).toEqual([]);
    expect(network.databaseRouteTableId).toBeUndefined();
    expect(network.privateSubnetCidrs).toEqual(["10.20.64.0/21", "10.20.72.0/21"]);
  });

  test("NAT-less and database-less: a VPC with public subnets only", () => {
    const { synth } = build({ natGateways: "none", databaseSubnets: false });
    expect(Object.values(synth.resources("aws_subnet")).map((subnet: any) => subnet.tags.Tier)).toEqual(["public", "public"]);
    expect(synth.only("aws_route_table").tags.Name).toBe("prod-web-public");
    synth.only("aws_default_security_group");
  });
});

describe("default security group", () => {
  test("is taken over and left with no ingress and no egress", () => {
    const { synth } = build();
    expect(synth.only("aws_default_security_group")).toEqual({
      vpc_id: ref("aws_vpc", idOf(synth, "aws_vpc"), "id"),
      ingress: [],
      egress: [],
      tags: { Name: "prod-web-default-locked" },
    });
  });
});

describe("flow logs", () => {
  test("are off by default", () => {
    const { synth, network } = build();
    for (const type of ["aws_flow_log", "aws_cloudwatch_log_group", "aws_iam_role", "aws_iam_role_policy"]) {
      expect(synth.resources(type)).toEqual({});
    }
    expect(network.flowLogGroupName).toBeUndefined();
  });

  test("true: all traffic to a log group with 30 days retention, through a least-privilege role", () => {
    const { synth, network } = build({ flowLogs: true });
    const groupId = idOf(synth, "aws_cloudwatch_log_group");
    const roleId = idOf(synth, "aws_iam_role");
    const vpcId = idOf(synth, "aws_vpc");
    expect(synth.only("aws_cloudwatch_log_group")).toMatchObject({ name: "/vpc/prod-web/flow-logs", retention_in_days: 30 });
    expect(synth.only("aws_cloudwatch_log_group").kms_key_id).toBeUndefined();
    expect(synth.only("aws_flow_log")).toMatchObject({
      vpc_id: ref("aws_vpc", vpcId, "id"),
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      log_destination: ref("aws_cloudwatch_log_group", groupId, "arn"),
      iam_role_arn: ref("aws_iam_role", roleId, "arn"),
    });

    const role = synth.only("aws_iam_role");
    expect(role.name).toBe("prod-web-vpc-flow-logs");
    expect(JSON.parse(role.assume_role_policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "vpc-flow-logs.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": ref("aws_vpc", vpcId, "owner_id") } },
        },
      ],
    });
    const policy = synth.only("aws_iam_role_policy");
    expect(policy.role).toBe(ref("aws_iam_role", roleId, "id"));
    expect(JSON.parse(policy.policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: `${ref("aws_cloudwatch_log_group", groupId, "arn")}:*`,
        },
      ],
    });
    expect(synth.resources("aws_iam_role_policy_attachment")).toEqual({});
    expect(network.flowLogGroupName).toBeDefined();
  });

  test("options set retention, traffic type and KMS key", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { synth } = build({ flowLogs: { retentionDays: 365, trafficType: "REJECT", kmsKeyArn } });
    expect(synth.only("aws_cloudwatch_log_group")).toMatchObject({ retention_in_days: 365, kms_key_id: kmsKeyArn });
    expect(synth.only("aws_flow_log").traffic_type).toBe("REJECT");
  });

  test("false creates nothing", () => {
    expect(build({ flowLogs: false }).synth.resources("aws_flow_log")).toEqual({});
  });
});

describe("validation", () => {
  test("fewer than 2 availability zones", () => {
    expect(construct({ availabilityZones: ["eu-west-1a"] })).toThrow(
      "Network 'net': availabilityZones: 1 given, at least 2 are required (distinct zones, so the load balancer and database survive a zone outage)",
    );
  });

  test("duplicate availability zones", () => {
    expect(construct({ availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1a"] })).toThrow(
      `Network 'net': availabilityZones: "eu-west-1a" is listed more than once (each zone at most once)`,
    );
  });

  test("empty availability zone name", () => {
    expect(construct({ availabilityZones: ["eu-west-1a", ""] })).toThrow(
      `Network 'net': availabilityZones[1]: is empty (a zone name such as "eu-west-1a")`,
    );
  });

  test("explicit subnet list length differs from the zone count", () => {
    expect(construct({ privateSubnetCidrs: ["10.20.64.0/21"] })).toThrow(
      "Network 'net': privateSubnetCidrs: 1 CIDRs for 2 availability zones (exactly one per zone, in the order of availabilityZones)",
    );
  });

  test("invalid subnet CIDR", () => {
    expect(construct({ publicSubnetCidrs: ["10.20.0.0/24", "10.20.1.0/33"] })).toThrow(
      "Network 'net': publicSubnetCidrs[1]: 10.20.1.0/33 is not a valid CIDR (expected a.b.c.d/n with n between 0 and 32)",
    );
    expect(construct({ publicSubnetCidrs: ["10.20.0.1/24", "10.20.1.0/24"] })).toThrow(
      "Network 'net': publicSubnetCidrs[0]: 10.20.0.1/24 is not a valid CIDR: host bits are set (did you mean 10.20.0.0/24?)",
    );
  });

  test("subnet CIDR outside the VPC", () => {
    expect(construct({ databaseSubnetCidrs: ["10.20.200.0/24", "10.30.0.0/24"] })).toThrow(
      "Network 'net': databaseSubnetCidrs[1]: 10.30.0.0/24 is outside the VPC 10.20.0.0/16 (subnets must lie inside cidr)",
    );
  });

  test("subnet CIDR overlapping another subnet, explicit or carved", () => {
    expect(construct({ databaseSubnetCidrs: ["10.20.200.0/24", "10.20.200.128/25"] })).toThrow(
      "Network 'net': databaseSubnetCidrs[1]: 10.20.200.128/25 overlaps databaseSubnetCidrs[0] 10.20.200.0/24 (subnets must not overlap)",
    );
    expect(construct({ databaseSubnetCidrs: ["10.20.200.0/24", "10.20.4.0/24"] })).toThrow(
      "Network 'net': databaseSubnetCidrs[1]: 10.20.4.0/24 overlaps publicSubnetCidrs[0] 10.20.0.0/21 (subnets must not overlap)",
    );
  });

  test("subnet size AWS does not accept", () => {
    expect(construct({ publicSubnetCidrs: ["10.20.0.0/29", "10.20.0.8/29"] })).toThrow(
      "Network 'net': publicSubnetCidrs[0]: 10.20.0.0/29 has a size AWS does not accept for a subnet (prefixes /16 to /28)",
    );
  });

  test("VPC too small to carve", () => {
    expect(construct({ cidr: "10.20.0.0/24" })).toThrow(
      "Network 'net': publicSubnetCidrs: not given and cannot be carved: 10.20.0.0/24 is too small to carve subnets automatically (needs /23 or larger); list the subnet CIDRs explicitly",
    );
    expect(
      construct({ cidr: "10.20.0.0/24", publicSubnetCidrs: ["10.20.0.0/26", "10.20.0.64/26"] }),
    ).toThrow("Network 'net': privateSubnetCidrs: not given and cannot be carved: 10.20.0.0/24 is too small");
  });

  test("more zones than the layout can carve", () => {
    const zones = Array.from({ length: 9 }, (_, i) => `zone-${i}`);
    expect(construct({ availabilityZones: zones })).toThrow(
      "Network 'net': publicSubnetCidrs: not given and cannot be carved: at most 8 zones can be carved automatically",
    );
  });

  test("invalid VPC CIDR", () => {
    expect(construct({ cidr: "10.20.0.0" })).toThrow(
      "Network 'net': cidr: 10.20.0.0 is not a valid CIDR (expected a.b.c.d/n with n between 0 and 32)",
    );
    expect(construct({ cidr: "10.0.0.0/8" })).toThrow(
      "Network 'net': cidr: 10.0.0.0/8 has a size AWS does not accept for a VPC (prefixes /16 to /28)",
    );
  });

  test("tier switches that contradict each other or the CIDRs given", () => {
    expect(construct({ natGateways: "single", privateSubnets: false })).toThrow(
      `Network 'net': privateSubnets: false while natGateways is "single" (NAT gateways serve only the private tier; set natGateways: "none")`,
    );
    expect(construct({ natGateways: "none", privateSubnetCidrs: ["10.20.64.0/24", "10.20.65.0/24"] })).toThrow(
      `Network 'net': privateSubnetCidrs: given, but there is no private tier (natGateways is "none" and privateSubnets is not true)`,
    );
    expect(construct({ databaseSubnets: false, databaseSubnetCidrs: ["10.20.200.0/24", "10.20.201.0/24"] })).toThrow(
      "Network 'net': databaseSubnetCidrs: given, but there is no database tier (databaseSubnets is false)",
    );
  });

  test("unknown NAT gateway mode", () => {
    expect(construct({ natGateways: "many" as any })).toThrow(
      `Network 'net': natGateways: "many" is not a NAT gateway mode ("single", "per-az", "none")`,
    );
  });

  test("flow log options", () => {
    expect(construct({ flowLogs: { retentionDays: 31 } })).toThrow(
      "Network 'net': flowLogs.retentionDays: 31 is not a CloudWatch retention period (one of 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)",
    );
    expect(construct({ flowLogs: { trafficType: "SOME" as any } })).toThrow(
      `Network 'net': flowLogs.trafficType: "SOME" is not a traffic type ("ALL", "ACCEPT", "REJECT")`,
    );
  });

  test("name", () => {
    expect(construct({ name: "prod web" })).toThrow(
      `Network 'net': name: "prod web" is not a usable name (1 to 40 letters, digits or hyphens, starting with a letter or digit)`,
    );
    expect(construct({ name: "x".repeat(41) })).toThrow("Network 'net': name:");
  });
});
