import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { GcpNetwork, GcpNetworkProps, IGcpNetwork, LoadBalancerHealthCheckRuleOptions } from "../../constructs/gcp/network";
import { PEERING_REMOVAL_COMMAND } from "../../constructs/gcp/network-base";
import { idOf, ref, Synthesized, synthWith } from "../support/synth";

const base: GcpNetworkProps = {
  name: "web-prod",
  region: "europe-west1",
  subnetCidr: "10.30.0.0/20",
  privateServiceAccessCidr: "10.31.0.0/16",
};

function build(
  overrides: Partial<GcpNetworkProps> = {},
  extra: (network: GcpNetwork, scope: Construct) => void = () => undefined,
): { synth: Synthesized; network: GcpNetwork } {
  let network!: GcpNetwork;
  const synth = synthWith("gcp", (scope) => {
    network = new GcpNetwork(scope, "net", { ...base, ...overrides });
    extra(network, scope);
  });
  return { synth, network };
}

function construct(overrides: Partial<GcpNetworkProps>, extra?: (network: GcpNetwork) => void): () => void {
  return () => {
    build(overrides, extra);
  };
}

const byName = (name: string) => (resource: any) => resource.name === name;
const networkRef = (synth: Synthesized) => ref("google_compute_network", idOf(synth, "google_compute_network"), "id");
const allFirewalls = (synth: Synthesized) => Object.values(synth.resources("google_compute_firewall"));

describe("network and subnet", () => {
  test("custom-mode VPC with regional routing", () => {
    const { synth } = build();
    expect(synth.only("google_compute_network")).toEqual({
      name: "web-prod-vpc",
      auto_create_subnetworks: false,
      routing_mode: "REGIONAL",
    });
  });

  test("one subnet in the region, on this network, with private Google access and no flow logs by default", () => {
    const { synth } = build();
    expect(synth.only("google_compute_subnetwork")).toEqual({
      name: "web-prod-subnet",
      network: networkRef(synth),
      region: "europe-west1",
      ip_cidr_range: "10.30.0.0/20",
      private_ip_google_access: true,
    });
  });

  test("flowLogs: 5 s aggregation, half sampled, all metadata", () => {
    const { synth } = build({ flowLogs: true });
    expect(synth.only("google_compute_subnetwork").log_config).toEqual({
      aggregation_interval: "INTERVAL_5_SEC",
      flow_sampling: 0.5,
      metadata: "INCLUDE_ALL_METADATA",
    });
    expect(build({ flowLogs: false }).synth.only("google_compute_subnetwork").log_config).toBeUndefined();
  });

  test("attributes reference the resources and echo the literals", () => {
    const { synth, network } = build({}, (n, scope) => {
      const out = (id: string, value: unknown) => new TerraformOutput(scope, id, { value });
      out("networkId", n.networkId);
      out("networkName", n.networkName);
      out("networkSelfLink", n.networkSelfLink);
      out("subnetworkId", n.subnetworkId);
      out("subnetworkSelfLink", n.subnetworkSelfLink);
      out("routerName", n.routerName);
      out("natName", n.natName);
      out("connection", n.privateServicePeering!.id);
      out("peering", n.privateServicePeering?.id);
    });
    const networkId = idOf(synth, "google_compute_network");
    const subnetId = idOf(synth, "google_compute_subnetwork");
    const values = Object.fromEntries(Object.entries(synth.outputs()).map(([key, output]: [string, any]) => [key, output.value]));
    expect(values).toEqual({
      networkId: ref("google_compute_network", networkId, "id"),
      networkName: ref("google_compute_network", networkId, "name"),
      networkSelfLink: ref("google_compute_network", networkId, "self_link"),
      subnetworkId: ref("google_compute_subnetwork", subnetId, "id"),
      subnetworkSelfLink: ref("google_compute_subnetwork", subnetId, "self_link"),
      routerName: ref("google_compute_router", idOf(synth, "google_compute_router"), "name"),
      natName: ref("google_compute_router_nat", idOf(synth, "google_compute_router_nat"), "name"),
      connection: ref("google_service_networking_connection", idOf(synth, "google_service_networking_connection"), "id"),
      peering: ref("google_service_networking_connection", idOf(synth, "google_service_networking_connection"), "id"),
    });
    expect(network.region).toBe("europe-west1");
    expect(network.subnetCidr).toBe("10.30.0.0/20");
    expect(network.privateServiceAccessCidr).toBe("10.31.0.0/16");
  });
});

describe("Cloud NAT", () => {
  test("a router on this network in the region", () => {
    const { synth } = build();
    expect(synth.only("google_compute_router")).toEqual({
      name: "web-prod-router",
      network: networkRef(synth),
      region: "europe-west1",
    });
  });

  test("NAT on that router: automatic addresses, every subnet range, errors logged", () => {
    const { synth } = build();
    const routerId = idOf(synth, "google_compute_router");
    expect(synth.only("google_compute_router_nat")).toEqual({
      name: "web-prod-nat",
      router: ref("google_compute_router", routerId, "name"),
      region: ref("google_compute_router", routerId, "region"),
      nat_ip_allocate_option: "AUTO_ONLY",
      source_subnetwork_ip_ranges_to_nat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
      log_config: { enable: true, filter: "ERRORS_ONLY" },
    });
  });
});

describe("private service access", () => {
  test("an internal VPC_PEERING range on this network from privateServiceAccessCidr", () => {
    const { synth } = build();
    expect(synth.only("google_compute_global_address")).toEqual({
      name: "web-prod-psa",
      purpose: "VPC_PEERING",
      address_type: "INTERNAL",
      address: "10.31.0.0",
      prefix_length: 16,
      network: networkRef(synth),
    });
  });

  test("the peering connection uses that range's name, on this network, and is forgotten on destroy after the peering's removal", () => {
    const { synth } = build();
    const addressId = idOf(synth, "google_compute_global_address");
    const removalId = idOf(synth, "terraform_data");
    expect(synth.only("google_service_networking_connection")).toEqual({
      network: networkRef(synth),
      service: "servicenetworking.googleapis.com",
      reserved_peering_ranges: [ref("google_compute_global_address", addressId, "name")],
      deletion_policy: "ABANDON",
      depends_on: [`terraform_data.${removalId}`],
    });
  });

  test("destroy removes the peering between the Cloud SQL instance and the reserved range / VPC", () => {
    // Destroy runs in reverse dependency order: Cloud SQL (depends on the connection) -> connection
    // (ABANDON, depends on the removal) -> removal (gcloud removes the peering) -> range -> VPC.
    const { synth } = build();
    const addressId = idOf(synth, "google_compute_global_address");
    const removal = synth.only("terraform_data");
    expect(removal.input).toEqual({ network: networkRef(synth) });
    expect(removal.depends_on).toEqual([`google_compute_global_address.${addressId}`]);
    expect(removal.provisioner).toEqual([{ "local-exec": { when: "destroy", command: PEERING_REMOVAL_COMMAND } }]);
  });

  test("the removal command finds project and network in the network id and skips a peering already gone", () => {
    // Only self may be referenced in a destroy-time provisioner: the network comes from self.input.
    expect(PEERING_REMOVAL_COMMAND).toContain('regex("projects/([^/]+)/global/networks/([^/]+)$", self.input.network)');
    expect(PEERING_REMOVAL_COMMAND).not.toMatch(/\$\{(?!regex\()/);
    expect(PEERING_REMOVAL_COMMAND).toMatch(/peerings list .*grep -qx servicenetworking-googleapis-com; then\n {2}gcloud compute networks peerings delete servicenetworking-googleapis-com/);
  });

  test("a /24 range is accepted", () => {
    const { synth } = build({ privateServiceAccessCidr: "192.168.10.0/24" });
    expect(synth.only("google_compute_global_address")).toMatchObject({ address: "192.168.10.0", prefix_length: 24 });
  });
});

describe("modes", () => {
  test("cloudNat false: no router and no NAT, the rest unchanged", () => {
    const { synth, network } = build({ cloudNat: false });
    expect(synth.resources("google_compute_router")).toEqual({});
    expect(synth.resources("google_compute_router_nat")).toEqual({});
    expect(network.routerName).toBeUndefined();
    expect(network.natName).toBeUndefined();
    synth.only("google_compute_subnetwork");
    synth.only("google_service_networking_connection");
  });

  test("privateServiceAccess false: no reserved range and no peering, and nothing to depend on", () => {
    const { synth, network } = build({ privateServiceAccess: false, privateServiceAccessCidr: undefined });
    expect(synth.resources("google_compute_global_address")).toEqual({});
    expect(synth.resources("google_service_networking_connection")).toEqual({});
    expect(network.privateServiceAccessCidr).toBeUndefined();
    const asInterface: IGcpNetwork = network;
    expect(asInterface.privateServicePeering).toBeUndefined();
    synth.only("google_compute_router_nat");
  });

  test("both off: a network and its subnet only, and the health-check rules still land on it", () => {
    const { synth } = build({ cloudNat: false, privateServiceAccess: false, privateServiceAccessCidr: undefined }, (network) =>
      network.allowLoadBalancerHealthChecks("hc", { port: 8080, targetTag: "web" }),
    );
    const types = Object.keys(synth.json.resource).sort();
    expect(types).toEqual(["google_compute_firewall", "google_compute_network", "google_compute_subnetwork"]);
    expect(synth.only("google_compute_firewall")).toMatchObject({ network: networkRef(synth), source_ranges: ["130.211.0.0/22", "35.191.0.0/16"] });
  });
});

describe("firewall", () => {
  test("no firewall rule at all by default", () => {
    expect(build().synth.resources("google_compute_firewall")).toEqual({});
  });

  test("iapSsh: tcp:22 only from IAP's range to the tagged instances, on this network", () => {
    const { synth } = build({ iapSsh: true, iapSshTargetTags: ["web", "worker"] });
    expect(synth.only("google_compute_firewall")).toEqual({
      name: "web-prod-allow-iap-ssh",
      description: "SSH through Identity-Aware Proxy TCP forwarding only",
      network: networkRef(synth),
      direction: "INGRESS",
      source_ranges: ["35.235.240.0/20"],
      target_tags: ["web", "worker"],
      allow: [{ protocol: "tcp", ports: ["22"] }],
    });
  });

  test("allowLoadBalancerHealthChecks: Google's probe ranges to the port on the tagged instances, on this network", () => {
    let returned: any;
    const { synth } = build({}, (network) => {
      returned = network.allowLoadBalancerHealthChecks("api-health", { port: 3000, targetTag: "api" });
    });
    const ruleId = idOf(synth, "google_compute_firewall");
    expect(synth.resources("google_compute_firewall")[ruleId]).toEqual({
      name: "web-prod-allow-lb-api-3000",
      description: "Google load balancer and health-check probes to tcp:3000",
      network: networkRef(synth),
      direction: "INGRESS",
      source_ranges: ["130.211.0.0/22", "35.191.0.0/16"],
      target_tags: ["api"],
      allow: [{ protocol: "tcp", ports: ["3000"] }],
    });
    expect(ruleId).toContain("api-health");
    expect(returned.friendlyUniqueId).toBe(ruleId);
  });

  test("allowLoadBalancerHealthChecks: several rules side by side, with an explicit name", () => {
    const { synth } = build({}, (network) => {
      network.allowLoadBalancerHealthChecks("api", { port: 3000, targetTag: "api" });
      network.allowLoadBalancerHealthChecks("config", { port: 8888, targetTag: "config", name: "cfg-probes" });
    });
    expect(synth.resources("google_compute_firewall")[idOf(synth, "google_compute_firewall", byName("cfg-probes"))]).toMatchObject({
      target_tags: ["config"],
      allow: [{ protocol: "tcp", ports: ["8888"] }],
    });
    idOf(synth, "google_compute_firewall", byName("web-prod-allow-lb-api-3000"));
  });

  test("nothing is ever open to 0.0.0.0/0, and every rule is an ingress rule on this network", () => {
    const { synth } = build({ iapSsh: true, iapSshTargetTags: ["web"], flowLogs: true }, (network) => {
      network.allowLoadBalancerHealthChecks("hc", { port: 80, targetTag: "web" });
    });
    const rules = allFirewalls(synth);
    expect(rules).toHaveLength(2);
    for (const rule of rules) {
      expect(rule.source_ranges).not.toContain("0.0.0.0/0");
      expect(rule.direction).toBe("INGRESS");
      expect(rule.network).toBe(networkRef(synth));
      expect(rule.target_tags.length).toBeGreaterThan(0);
    }
    expect(JSON.stringify(synth.json)).not.toContain("0.0.0.0/0");
  });
});

describe("validation", () => {
  test("invalid subnet CIDR", () => {
    expect(construct({ subnetCidr: "10.30.0.0" })).toThrow(
      "GcpNetwork 'net': subnetCidr: 10.30.0.0 is not a valid CIDR (expected a.b.c.d/n with n between 0 and 32)",
    );
    expect(construct({ subnetCidr: "10.30.0.1/20" })).toThrow(
      "GcpNetwork 'net': subnetCidr: 10.30.0.1/20 is not a valid CIDR: host bits are set (did you mean 10.30.0.0/20?)",
    );
  });

  test("subnet CIDR size", () => {
    expect(construct({ subnetCidr: "10.30.0.0/30" })).toThrow(
      "GcpNetwork 'net': subnetCidr: 10.30.0.0/30 has a size GCP does not accept here (prefixes /8 to /29)",
    );
    expect(construct({ subnetCidr: "10.0.0.0/7", privateServiceAccessCidr: "192.168.0.0/16" })).toThrow(
      "GcpNetwork 'net': subnetCidr: 10.0.0.0/7 has a size GCP does not accept here (prefixes /8 to /29)",
    );
  });

  test("invalid private service access CIDR", () => {
    expect(construct({ privateServiceAccessCidr: "10.31.0.0/33" })).toThrow(
      "GcpNetwork 'net': privateServiceAccessCidr: 10.31.0.0/33 is not a valid CIDR (expected a.b.c.d/n with n between 0 and 32)",
    );
  });

  test("private service access CIDR size", () => {
    expect(construct({ privateServiceAccessCidr: "10.31.0.0/25" })).toThrow(
      "GcpNetwork 'net': privateServiceAccessCidr: 10.31.0.0/25 has a size GCP does not accept here (prefixes /8 to /24)",
    );
    expect(construct({ subnetCidr: "192.168.0.0/20", privateServiceAccessCidr: "10.0.0.0/7" })).toThrow(
      "GcpNetwork 'net': privateServiceAccessCidr: 10.0.0.0/7 has a size GCP does not accept here (prefixes /8 to /24)",
    );
  });

  test("overlapping ranges", () => {
    const message =
      "(the range peered to Google's service network must be disjoint from the subnet)";
    expect(construct({ privateServiceAccessCidr: "10.30.0.0/16" })).toThrow(
      `GcpNetwork 'net': privateServiceAccessCidr: 10.30.0.0/16 overlaps subnetCidr 10.30.0.0/20 ${message}`,
    );
    expect(construct({ privateServiceAccessCidr: "10.30.8.0/24" })).toThrow(
      `GcpNetwork 'net': privateServiceAccessCidr: 10.30.8.0/24 overlaps subnetCidr 10.30.0.0/20 ${message}`,
    );
    expect(construct({ privateServiceAccessCidr: "10.30.16.0/24" })).not.toThrow();
  });

  test("private service access range required with it, refused without it", () => {
    expect(construct({ privateServiceAccessCidr: undefined })).toThrow(
      "GcpNetwork 'net': privateServiceAccessCidr: is required with private service access (a /8 to /24 range for Cloud SQL private IPs; or set privateServiceAccess: false for no database)",
    );
    expect(construct({ privateServiceAccess: false })).toThrow(
      "GcpNetwork 'net': privateServiceAccessCidr: given while privateServiceAccess is false (drop it, or set privateServiceAccess: true)",
    );
  });

  test("name", () => {
    const rule =
      "(1 to 49 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen; GCP names are at most 63 characters and the longest suffix is \"-allow-iap-ssh\")";
    for (const name of ["Web-prod", "web_prod", "1web", "web-", ""]) {
      expect(construct({ name })).toThrow(`GcpNetwork 'net': name: "${name}" is not a usable name prefix ${rule}`);
    }
    expect(construct({ name: "w".repeat(50) })).toThrow(`GcpNetwork 'net': name: "${"w".repeat(50)}" is not a usable name prefix`);
    const longest = "w".repeat(49);
    const { synth } = build({ name: longest, iapSsh: true, iapSshTargetTags: ["web"] });
    expect(synth.only("google_compute_firewall").name).toHaveLength(63);
  });

  test("region", () => {
    expect(construct({ region: "europe-west1-b" })).toThrow(
      `GcpNetwork 'net': region: "europe-west1-b" is not a GCP region name (e.g. "europe-west1")`,
    );
    expect(construct({ region: "northamerica-northeast2" })).not.toThrow();
  });

  test("iapSsh without target tags", () => {
    const message =
      "GcpNetwork 'net': iapSshTargetTags: is required when iapSsh is true (at least one network tag; a rule without target tags would open SSH to every instance)";
    expect(construct({ iapSsh: true })).toThrow(message);
    expect(construct({ iapSsh: true, iapSshTargetTags: [] })).toThrow(message);
  });

  test("target tags without iapSsh", () => {
    expect(construct({ iapSshTargetTags: ["web"] })).toThrow(
      "GcpNetwork 'net': iapSshTargetTags: given while iapSsh is false (set iapSsh: true, or drop the tags)",
    );
    expect(construct({ iapSsh: false, iapSshTargetTags: [] })).not.toThrow();
  });

  test("invalid IAP target tag", () => {
    expect(construct({ iapSsh: true, iapSshTargetTags: ["web", "Web Servers"] })).toThrow(
      `GcpNetwork 'net': iapSshTargetTags[1]: "Web Servers" is not a valid network tag (1 to 63 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen)`,
    );
  });

  test.each<[Partial<LoadBalancerHealthCheckRuleOptions>, string]>([
    [{ port: 0 }, "GcpNetwork 'net': allowLoadBalancerHealthChecks('hc').port: 0 is out of range (an integer from 1 to 65535)"],
    [{ port: 65536 }, "GcpNetwork 'net': allowLoadBalancerHealthChecks('hc').port: 65536 is out of range (an integer from 1 to 65535)"],
    [{ port: 80.5 }, "GcpNetwork 'net': allowLoadBalancerHealthChecks('hc').port: 80.5 is out of range (an integer from 1 to 65535)"],
    [
      { targetTag: "API" },
      `GcpNetwork 'net': allowLoadBalancerHealthChecks('hc').targetTag: "API" is not a valid network tag (1 to 63 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen)`,
    ],
    [
      { targetTag: "a".repeat(60) },
      `GcpNetwork 'net': allowLoadBalancerHealthChecks('hc').name: "web-prod-allow-lb-${"a".repeat(60)}-80" is not a valid firewall rule name (1 to 63 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen)`,
    ],
    [
      { name: "probes-" },
      `GcpNetwork 'net': allowLoadBalancerHealthChecks('hc').name: "probes-" is not a valid firewall rule name`,
    ],
  ])("allowLoadBalancerHealthChecks rejects %j", (options, message) => {
    expect(
      construct({}, (network) => network.allowLoadBalancerHealthChecks("hc", { port: 80, targetTag: "web", ...options })),
    ).toThrow(message);
  });
});
