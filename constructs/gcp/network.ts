/**
 * The GCP network every other construct sits in: a custom-mode VPC with one regional subnet,
 * Cloud NAT for outbound traffic from instances without public addresses, a private service
 * access range peered with Google's service network (Cloud SQL private IP), and opt-in
 * firewall rules for IAP SSH and load balancer health checks.
 */
import { ComputeFirewall } from "@cdktf/provider-google/lib/compute-firewall";
import { ComputeGlobalAddress } from "@cdktf/provider-google/lib/compute-global-address";
import { ComputeNetwork } from "@cdktf/provider-google/lib/compute-network";
import { ComputeRouter } from "@cdktf/provider-google/lib/compute-router";
import { ComputeRouterNat } from "@cdktf/provider-google/lib/compute-router-nat";
import { ComputeSubnetwork } from "@cdktf/provider-google/lib/compute-subnetwork";
import { ServiceNetworkingConnection } from "@cdktf/provider-google/lib/service-networking-connection";
import { Construct } from "constructs";
import { Ipv4Block, overlaps, parseIpv4Cidr } from "../../lib/cidr";
import { PropsError } from "../../lib/errors";
import { GCP_NAME, GCP_NAME_MAX } from "./limits";

export interface GcpNetworkProps {
  /**
   * Prefix of every resource name, e.g. "web-prod": lower-case letters, digits and hyphens,
   * starting with a letter and not ending with a hyphen, at most 49 characters (the longest
   * suffix, "-allow-iap-ssh", must still fit GCP's 63-character limit).
   */
  readonly name: string;
  /** Region of the subnet, router and NAT, e.g. "europe-west1". */
  readonly region: string;
  /** Primary IPv4 range of the regional subnet, e.g. "10.30.0.0/20" (prefixes /8 to /29). */
  readonly subnetCidr: string;
  /**
   * Range reserved for Google's service producer network (Cloud SQL private IP), e.g. "10.31.0.0/16".
   * Prefixes /8 to /24; must not overlap `subnetCidr`.
   */
  readonly privateServiceAccessCidr: string;
  /**
   * VPC flow logs on the subnet: 5-second aggregation, half of the flows sampled, all metadata
   * included (Google's defaults, written out so they do not drift with the provider).
   * @default false
   */
  readonly flowLogs?: boolean;
  /**
   * A firewall rule admitting SSH (tcp:22) only from Identity-Aware Proxy's range 35.235.240.0/20
   * to instances carrying one of `iapSshTargetTags`, so operators reach instances without public
   * addresses and access is governed by IAM (roles/iap.tunnelResourceAccessor).
   * @default false
   */
  readonly iapSsh?: boolean;
  /**
   * Network tags of the instances the IAP SSH rule applies to; required (non-empty) when `iapSsh`
   * is true and rejected otherwise.
   * @default - none
   */
  readonly iapSshTargetTags?: string[];
}

export interface LoadBalancerHealthCheckRuleOptions {
  /** Port the health checks (and the load balancer's traffic) reach on the instances, 1 to 65535. */
  readonly port: number;
  /** Network tag of the instances to admit the probes to. */
  readonly targetTag: string;
  /**
   * Firewall rule name.
   * @default "<name>-allow-lb-<targetTag>-<port>"
   */
  readonly name?: string;
}

/** Google Front End and health-check probe ranges (external Application Load Balancers). */
export const GOOGLE_LOAD_BALANCER_RANGES = ["130.211.0.0/22", "35.191.0.0/16"] as const;
/** Source range of Identity-Aware Proxy TCP forwarding. */
export const IAP_TCP_FORWARDING_RANGE = "35.235.240.0/20";

const NAME_SUFFIXES = ["-vpc", "-subnet", "-router", "-nat", "-psa", "-allow-iap-ssh"] as const;
const LONGEST_SUFFIX = Math.max(...NAME_SUFFIXES.map((s) => s.length));
const REGION = /^[a-z]+(-[a-z]+)+\d+$/;

type Fail = (prop: string, message: string) => never;

export class GcpNetwork extends Construct {
  readonly networkId: string;
  readonly networkName: string;
  readonly networkSelfLink: string;
  readonly subnetworkId: string;
  readonly subnetworkSelfLink: string;
  /** The literal given in props, for allow-lists elsewhere. */
  readonly subnetCidr: string;
  readonly region: string;
  readonly privateServiceAccessCidr: string;
  /** Cloud SQL instances with a private IP must depend on it: the peering has to exist first. */
  readonly privateServiceConnection: ServiceNetworkingConnection;
  readonly routerName: string;
  readonly natName: string;

  private readonly network: ComputeNetwork;
  private readonly namePrefix: string;
  private readonly fail: Fail;

  constructor(scope: Construct, id: string, props: GcpNetworkProps) {
    super(scope, id);
    this.fail = (prop: string, message: string): never => {
      throw new PropsError("GcpNetwork", id, prop, message);
    };
    const fail = this.fail;

    validateName(props.name, fail);
    if (typeof props.region !== "string" || !REGION.test(props.region)) {
      fail("region", `"${props.region}" is not a GCP region name (e.g. "europe-west1")`);
    }
    const subnet = validateCidr("subnetCidr", props.subnetCidr, 8, 29, fail);
    const serviceRange = validateCidr("privateServiceAccessCidr", props.privateServiceAccessCidr, 8, 24, fail);
    if (overlaps(subnet, serviceRange)) {
      fail(
        "privateServiceAccessCidr",
        `${serviceRange.text} overlaps subnetCidr ${subnet.text} (the range peered to Google's service network must be disjoint from the subnet)`,
      );
    }
    const iapTags = validateIapSsh(props, fail);

    const name = props.name;
    this.namePrefix = name;
    this.region = props.region;
    this.subnetCidr = subnet.text;
    this.privateServiceAccessCidr = serviceRange.text;

    // Custom mode: auto mode would create a subnet in every region with ranges we do not choose.
    const network = new ComputeNetwork(this, "network", {
      name: `${name}-vpc`,
      autoCreateSubnetworks: false,
      routingMode: "REGIONAL",
    });
    this.network = network;
    this.networkId = network.id;
    this.networkName = network.name;
    this.networkSelfLink = network.selfLink;

    const subnetwork = new ComputeSubnetwork(this, "subnetwork", {
      name: `${name}-subnet`,
      network: network.id,
      region: props.region,
      ipCidrRange: subnet.text,
      // Instances have no public addresses; this is how they still reach Google APIs (logging, registries).
      privateIpGoogleAccess: true,
      logConfig: props.flowLogs
        ? { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" }
        : undefined,
    });
    this.subnetworkId = subnetwork.id;
    this.subnetworkSelfLink = subnetwork.selfLink;

    const router = new ComputeRouter(this, "router", {
      name: `${name}-router`,
      network: network.id,
      region: props.region,
    });
    const nat = new ComputeRouterNat(this, "nat", {
      name: `${name}-nat`,
      router: router.name,
      region: router.region,
      natIpAllocateOption: "AUTO_ONLY",
      sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
      // Dropped connections (port exhaustion) are the failures worth seeing; full logs are costly.
      logConfig: { enable: true, filter: "ERRORS_ONLY" },
    });
    this.routerName = router.name;
    this.natName = nat.name;

    const serviceAddress = new ComputeGlobalAddress(this, "private-service-access", {
      name: `${name}-psa`,
      purpose: "VPC_PEERING",
      addressType: "INTERNAL",
      address: ipOf(serviceRange),
      prefixLength: serviceRange.prefix,
      network: network.id,
    });
    this.privateServiceConnection = new ServiceNetworkingConnection(this, "private-service-connection", {
      network: network.id,
      service: "servicenetworking.googleapis.com",
      reservedPeeringRanges: [serviceAddress.name],
      // Deleting the peering fails while Cloud SQL still uses it; Google removes it with the network.
      deletionPolicy: "ABANDON",
    });

    if (iapTags) {
      new ComputeFirewall(this, "iap-ssh", {
        name: `${name}-allow-iap-ssh`,
        description: "SSH through Identity-Aware Proxy TCP forwarding only",
        network: network.id,
        direction: "INGRESS",
        sourceRanges: [IAP_TCP_FORWARDING_RANGE],
        targetTags: iapTags,
        allow: [{ protocol: "tcp", ports: ["22"] }],
      });
    }
  }

  /** Firewall rule admitting Google's health-check/load-balancer ranges (130.211.0.0/22, 35.191.0.0/16) to `port` on instances tagged `targetTag`, on THIS network. */
  allowLoadBalancerHealthChecks(id: string, options: LoadBalancerHealthCheckRuleOptions): ComputeFirewall {
    const prop = (field: string) => `allowLoadBalancerHealthChecks('${id}').${field}`;
    const { port, targetTag } = options;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      this.fail(prop("port"), `${port} is out of range (an integer from 1 to 65535)`);
    }
    checkGcpName(prop("targetTag"), targetTag, "network tag", this.fail);
    const ruleName = options.name ?? `${this.namePrefix}-allow-lb-${targetTag}-${port}`;
    checkGcpName(prop("name"), ruleName, "firewall rule name", this.fail);
    return new ComputeFirewall(this, id, {
      name: ruleName,
      description: `Google load balancer and health-check probes to tcp:${port}`,
      network: this.network.id,
      direction: "INGRESS",
      sourceRanges: [...GOOGLE_LOAD_BALANCER_RANGES],
      targetTags: [targetTag],
      allow: [{ protocol: "tcp", ports: [String(port)] }],
    });
  }
}

function validateName(name: string, fail: Fail): void {
  const max = GCP_NAME_MAX - LONGEST_SUFFIX;
  if (typeof name !== "string" || !GCP_NAME.test(name) || name.length > max) {
    fail(
      "name",
      `"${name}" is not a usable name prefix (1 to ${max} lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen; GCP names are at most ${GCP_NAME_MAX} characters and the longest suffix is "-allow-iap-ssh")`,
    );
  }
}

function checkGcpName(prop: string, value: string, what: string, fail: Fail): void {
  if (typeof value !== "string" || !GCP_NAME.test(value) || value.length > GCP_NAME_MAX) {
    fail(
      prop,
      `"${value}" is not a valid ${what} (1 to ${GCP_NAME_MAX} lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen)`,
    );
  }
}

function validateCidr(prop: string, text: string, largest: number, smallest: number, fail: Fail): Ipv4Block {
  const block = parseIpv4Cidr(text);
  if ("error" in block) return fail(prop, block.error);
  if (block.prefix < largest || block.prefix > smallest) {
    fail(prop, `${block.text} has a size GCP does not accept here (prefixes /${largest} to /${smallest})`);
  }
  return block;
}

function validateIapSsh(props: GcpNetworkProps, fail: Fail): string[] | undefined {
  const tags = props.iapSshTargetTags;
  if (!props.iapSsh) {
    if (tags !== undefined && tags.length > 0) {
      fail("iapSshTargetTags", "given while iapSsh is false (set iapSsh: true, or drop the tags)");
    }
    return undefined;
  }
  if (!Array.isArray(tags) || tags.length === 0) {
    return fail(
      "iapSshTargetTags",
      "is required when iapSsh is true (at least one network tag; a rule without target tags would open SSH to every instance)",
    );
  }
  tags.forEach((tag, i) => checkGcpName(`iapSshTargetTags[${i}]`, tag, "network tag", fail));
  return [...tags];
}

function ipOf(block: Ipv4Block): string {
  return block.text.split("/")[0];
}
