import { GcpNetwork, ExistingGcpNetworkProps, IGcpNetwork } from "../../constructs/gcp/network";
import { idOf, ref, Synthesized, synthWith } from "../support/synth";

const base: ExistingGcpNetworkProps = {
  name: "web-prod",
  project: "host-project",
  region: "europe-west1",
  network: "shared-vpc",
  subnetwork: "shared-europe-west1",
};

function adopt(
  overrides: Partial<ExistingGcpNetworkProps> = {},
  extra: (network: IGcpNetwork) => void = () => undefined,
): { synth: Synthesized; network: IGcpNetwork } {
  let network!: IGcpNetwork;
  const synth = synthWith("gcp", (scope) => {
    network = GcpNetwork.fromExisting(scope, "net", { ...base, ...overrides });
    extra(network);
  });
  return { synth, network };
}

const attempt = (overrides: Partial<ExistingGcpNetworkProps>) => () => adopt(overrides);
const NETWORK_ID = "projects/host-project/global/networks/shared-vpc";
const SUBNETWORK_ID = "projects/host-project/regions/europe-west1/subnetworks/shared-europe-west1";

describe("GcpNetwork.fromExisting", () => {
  test("creates and reads nothing by default: no network, subnet, router, NAT, peering or data source", () => {
    const { synth } = adopt();
    expect(synth.json.resource).toBeUndefined();
    expect(synth.json.data).toBeUndefined();
  });

  test("builds the ids from names; paths and self links give the same ids", () => {
    const expected = {
      networkId: NETWORK_ID,
      networkName: "shared-vpc",
      networkSelfLink: `https://www.googleapis.com/compute/v1/${NETWORK_ID}`,
      subnetworkId: SUBNETWORK_ID,
      subnetworkSelfLink: `https://www.googleapis.com/compute/v1/${SUBNETWORK_ID}`,
      region: "europe-west1",
    };
    expect(adopt().network).toMatchObject(expected);
    expect(adopt({ network: NETWORK_ID, subnetwork: `https://www.googleapis.com/compute/v1/${SUBNETWORK_ID}` }).network).toMatchObject(
      expected,
    );
    const { network } = adopt();
    expect(network.subnetCidr).toBeUndefined();
    expect(network.privateServiceAccessCidr).toBeUndefined();
    expect(network.privateServicePeering).toBeUndefined();
  });

  test("health-check and IAP SSH rules land on the adopted network, in its project", () => {
    const { synth } = adopt({ iapSsh: true, iapSshTargetTags: ["web"] }, (network) =>
      network.allowLoadBalancerHealthChecks("hc", { port: 8080, targetTag: "web" }),
    );
    const rules = Object.values(synth.resources("google_compute_firewall"));
    expect(rules).toHaveLength(2);
    expect(rules).toContainEqual(
      expect.objectContaining({
        name: "web-prod-allow-lb-web-8080",
        project: "host-project",
        network: NETWORK_ID,
        source_ranges: ["130.211.0.0/22", "35.191.0.0/16"],
        target_tags: ["web"],
        allow: [{ protocol: "tcp", ports: ["8080"] }],
      }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ name: "web-prod-allow-iap-ssh", project: "host-project", network: NETWORK_ID, source_ranges: ["35.235.240.0/20"] }),
    );
  });

  test("privateServiceAccess existing: nothing created, nothing to depend on", () => {
    const { synth, network } = adopt({ privateServiceAccess: "existing" });
    expect(synth.json.resource).toBeUndefined();
    expect(network.privateServicePeering).toBeUndefined();
  });

  test("privateServiceAccess { cidr }: the range and the peering on the adopted network", () => {
    const { synth, network } = adopt({ privateServiceAccess: { cidr: "10.31.0.0/16" } });
    expect(synth.only("google_compute_global_address")).toEqual({
      project: "host-project",
      name: "web-prod-psa",
      purpose: "VPC_PEERING",
      address_type: "INTERNAL",
      address: "10.31.0.0",
      prefix_length: 16,
      network: NETWORK_ID,
    });
    const connectionId = idOf(synth, "google_service_networking_connection");
    expect(synth.only("google_service_networking_connection")).toMatchObject({
      network: NETWORK_ID,
      reserved_peering_ranges: [ref("google_compute_global_address", idOf(synth, "google_compute_global_address"), "name")],
      deletion_policy: "ABANDON",
    });
    expect(network.privateServiceAccessCidr).toBe("10.31.0.0/16");
    expect(network.privateServicePeering).toBeDefined();
    expect(connectionId).toContain("private-service-connection");
  });
});

describe("GcpNetwork.fromExisting validation", () => {
  test("empty or malformed network and subnetwork", () => {
    expect(attempt({ network: "" })).toThrow(
      `GcpNetwork 'net': network: is empty (a name, "projects/<project>/global/networks/<name>" or a self link)`,
    );
    expect(attempt({ subnetwork: "" })).toThrow(
      `GcpNetwork 'net': subnetwork: is empty (a name, "projects/<project>/regions/<region>/subnetworks/<name>" or a self link)`,
    );
    expect(attempt({ network: "projects/host-project/networks/shared-vpc" })).toThrow(
      `GcpNetwork 'net': network: "projects/host-project/networks/shared-vpc" is not a network name, "projects/<project>/global/networks/<name>" or a self link`,
    );
    expect(attempt({ network: "Shared_VPC" })).toThrow(`GcpNetwork 'net': network: "Shared_VPC" is not a network name`);
  });

  test("a path in another project or region than given", () => {
    expect(attempt({ network: "projects/other-project/global/networks/shared-vpc" })).toThrow(
      `GcpNetwork 'net': network: "projects/other-project/global/networks/shared-vpc" is in project other-project, not host-project (project must name the network's own project)`,
    );
    expect(attempt({ subnetwork: "projects/host-project/regions/us-east1/subnetworks/s" })).toThrow(
      `GcpNetwork 'net': subnetwork: "projects/host-project/regions/us-east1/subnetworks/s" is in region us-east1, not europe-west1`,
    );
  });

  test("project, region and name prefix", () => {
    expect(attempt({ project: "" })).toThrow(
      `GcpNetwork 'net': project: "" is not a project id (6 to 30 lower-case letters, digits or hyphens, starting with a letter)`,
    );
    expect(attempt({ region: "europe-west1-b" })).toThrow(`GcpNetwork 'net': region: "europe-west1-b" is not a GCP region name (e.g. "europe-west1")`);
    expect(attempt({ name: "Web" })).toThrow(`GcpNetwork 'net': name: "Web" is not a usable name prefix`);
  });

  test("private service access range", () => {
    expect(attempt({ privateServiceAccess: { cidr: "10.31.0.0/25" } })).toThrow(
      "GcpNetwork 'net': privateServiceAccess.cidr: 10.31.0.0/25 has a size GCP does not accept here (prefixes /8 to /24)",
    );
    expect(attempt({ subnetCidr: "10.31.0.0/20", privateServiceAccess: { cidr: "10.31.0.0/16" } })).toThrow(
      "GcpNetwork 'net': privateServiceAccess.cidr: 10.31.0.0/16 overlaps subnetCidr 10.31.0.0/20 (the range peered to Google's service network must be disjoint from the subnet)",
    );
    expect(attempt({ privateServiceAccess: "reuse" as any })).toThrow(
      `GcpNetwork 'net': privateServiceAccess: "reuse" is not "none", "existing" or { cidr: "<range>" }`,
    );
  });

  test("IAP SSH needs target tags here too", () => {
    expect(attempt({ iapSsh: true })).toThrow("GcpNetwork 'net': iapSshTargetTags: is required when iapSsh is true");
  });
});
