import { Network } from "../../constructs/aws/network";
import { ExistingNetworkProps, INetwork } from "../../constructs/aws/existing-network";
import { Synthesized, synthWith } from "../support/synth";

const base: ExistingNetworkProps = {
  vpcId: "vpc-0123456789abcdef0",
  availabilityZones: ["eu-west-1a", "eu-west-1b"],
  publicSubnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b"],
};

function adopt(overrides: Partial<ExistingNetworkProps> = {}): { synth: Synthesized; network: INetwork } {
  let network!: INetwork;
  const synth = synthWith("aws", (scope) => {
    network = Network.fromExisting(scope, "net", { ...base, ...overrides });
  });
  return { synth, network };
}

const attempt = (overrides: Partial<ExistingNetworkProps>) => () => adopt(overrides);

describe("Network.fromExisting", () => {
  test("creates and reads nothing: no resources and no data sources", () => {
    const { synth } = adopt({
      vpcCidr: "10.0.0.0/16",
      privateSubnetIds: ["subnet-1000000000000000a", "subnet-1000000000000000b"],
      databaseSubnetIds: ["subnet-2000000000000000a", "subnet-2000000000000000b"],
    });
    expect(synth.json.resource).toBeUndefined();
    expect(synth.json.data).toBeUndefined();
  });

  test("the ids come back verbatim, tier by tier, in zone order", () => {
    const { network } = adopt({
      vpcCidr: "10.0.0.0/16",
      privateSubnetIds: ["subnet-1000000000000000a", "subnet-1000000000000000b"],
      databaseSubnetIds: ["subnet-2000000000000000a", "subnet-2000000000000000b"],
    });
    expect(network).toMatchObject({
      vpcId: "vpc-0123456789abcdef0",
      vpcCidr: "10.0.0.0/16",
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
      publicSubnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b"],
      privateSubnetIds: ["subnet-1000000000000000a", "subnet-1000000000000000b"],
      databaseSubnetIds: ["subnet-2000000000000000a", "subnet-2000000000000000b"],
    });
  });

  test("tiers left out are empty and the CIDR unknown (the NAT-less, database-less layout)", () => {
    const { network } = adopt();
    expect(network.privateSubnetIds).toEqual([]);
    expect(network.databaseSubnetIds).toEqual([]);
    expect(network.vpcCidr).toBeUndefined();
  });
});

describe("Network.fromExisting validation", () => {
  test("VPC id", () => {
    expect(attempt({ vpcId: "" })).toThrow(`Network 'net': vpcId: is empty (the id of the VPC, e.g. "vpc-0123456789abcdef0")`);
    expect(attempt({ vpcId: "my-vpc" })).toThrow(`Network 'net': vpcId: "my-vpc" is not a VPC id (e.g. "vpc-0123456789abcdef0")`);
  });

  test("VPC CIDR, when given", () => {
    expect(attempt({ vpcCidr: "10.0.0.0" })).toThrow(
      "Network 'net': vpcCidr: 10.0.0.0 is not a valid CIDR (expected a.b.c.d/n with n between 0 and 32)",
    );
  });

  test("zones: at least two, distinct", () => {
    expect(attempt({ availabilityZones: ["eu-west-1a"], publicSubnetIds: ["subnet-0000000000000000a"] })).toThrow(
      "Network 'net': availabilityZones: 1 given, at least 2 are required (distinct zones, so the load balancer and database survive a zone outage)",
    );
    expect(attempt({ availabilityZones: ["eu-west-1a", "eu-west-1a"] })).toThrow(
      `Network 'net': availabilityZones: "eu-west-1a" is listed more than once (each zone at most once)`,
    );
  });

  test("each tier given lists exactly one subnet per zone", () => {
    expect(attempt({ publicSubnetIds: ["subnet-0000000000000000a"] })).toThrow(
      "Network 'net': publicSubnetIds: 1 subnet ids for 2 availability zones (exactly one per zone, in the order of availabilityZones)",
    );
    expect(attempt({ privateSubnetIds: [] })).toThrow(
      "Network 'net': privateSubnetIds: 0 subnet ids for 2 availability zones (exactly one per zone, in the order of availabilityZones; leave privateSubnetIds out for no private tier)",
    );
    expect(
      attempt({ databaseSubnetIds: ["subnet-2000000000000000a", "subnet-2000000000000000b", "subnet-2000000000000000c"] }),
    ).toThrow(
      "Network 'net': databaseSubnetIds: 3 subnet ids for 2 availability zones (exactly one per zone, in the order of availabilityZones; leave databaseSubnetIds out for no database tier)",
    );
  });

  test("empty, malformed or reused subnet ids", () => {
    expect(attempt({ publicSubnetIds: ["subnet-0000000000000000a", ""] })).toThrow(
      `Network 'net': publicSubnetIds[1]: is empty (a subnet id such as "subnet-0123456789abcdef0")`,
    );
    expect(attempt({ privateSubnetIds: ["subnet-1000000000000000a", "private-b"] })).toThrow(
      `Network 'net': privateSubnetIds[1]: "private-b" is not a subnet id (e.g. "subnet-0123456789abcdef0")`,
    );
    expect(attempt({ databaseSubnetIds: ["subnet-2000000000000000a", "subnet-0000000000000000b"] })).toThrow(
      `Network 'net': databaseSubnetIds[1]: "subnet-0000000000000000b" is also publicSubnetIds[1] (each subnet serves one tier and one zone)`,
    );
  });
});
