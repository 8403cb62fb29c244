/**
 * The GCP network every other construct sits in: a custom-mode VPC with one regional subnet,
 * Cloud NAT for outbound traffic from instances without public addresses, a private service
 * access range peered with Google's service network (Cloud SQL private IP), and opt-in
 * firewall rules for IAP SSH and load balancer health checks. NAT and private service access
 * can be left out (instances with external IPs; no database), and `GcpNetwork.fromExisting`
 * adopts a network someone else owns.
 */
import { ComputeNetwork } from "@cdktf/provider-google/lib/compute-network";
import { ComputeRouter } from "@cdktf/provider-google/lib/compute-router";
import { ComputeRouterNat } from "@cdktf/provider-google/lib/compute-router-nat";
import { ComputeSubnetwork } from "@cdktf/provider-google/lib/compute-subnetwork";
import { ServiceNetworkingConnection } from "@cdktf/provider-google/lib/service-networking-connection";
import { Construct } from "constructs";
import { Ipv4Block, overlaps } from "../../lib/cidr";
import { ExistingGcpNetwork, ExistingGcpNetworkProps } from "./existing-network";
import { Fail, GcpNetworkBase, IGcpNetwork, validateCidr, validateIapSsh, validateServiceRange } from "./network-base";

export type { ExistingGcpNetworkProps } from "./existing-network";
export type { IGcpNetwork, LoadBalancerHealthCheckRuleOptions } from "./network-base";
export { GOOGLE_LOAD_BALANCER_RANGES, IAP_TCP_FORWARDING_RANGE } from "./network-base";

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
   * Cloud Router + Cloud NAT for outbound traffic from instances without external IPs. Without it
   * the instances need external IPs (GcpInstanceGroup `externalIp`) to reach anything outside Google
   * APIs, which private Google access still serves.
   * @default true
   */
  readonly cloudNat?: boolean;
  /**
   * A reserved range peered with Google's service producer network, for Cloud SQL private IP;
   * false for an environment without a database.
   * @default true
   */
  readonly privateServiceAccess?: boolean;
  /**
   * Range reserved for Google's service producer network (Cloud SQL private IP), e.g. "10.31.0.0/16".
   * Prefixes /8 to /24; must not overlap `subnetCidr`. Required with private service access, refused without.
   * @default - none (only with privateServiceAccess false)
   */
  readonly privateServiceAccessCidr?: string;
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


export class GcpNetwork extends GcpNetworkBase implements IGcpNetwork {
  /**
   * A network and subnetwork that exist already, by name or self link: creates no network,
   * subnet, router or NAT and reads nothing (no data source, so offline plans work); only the
   * firewall rules asked for and, with `privateServiceAccess: { cidr }`, the peering.
   * @throws PropsError when a name or self link is malformed or disagrees with `project`/`region`
   */
  static fromExisting(scope: Construct, id: string, props: ExistingGcpNetworkProps): IGcpNetwork {
    return new ExistingGcpNetwork(scope, id, props);
  }

  readonly networkId: string;
  readonly networkName: string;
  readonly networkSelfLink: string;
  readonly subnetworkId: string;
  readonly subnetworkSelfLink: string;
  /** The literal given in props, for allow-lists elsewhere. */
  readonly subnetCidr: string;
  readonly region: string;
  /** Undefined without private service access. */
  readonly privateServiceAccessCidr?: string;
  /** The peering for Cloud SQL private IP (see IGcpNetwork); undefined without private service access. */
  readonly privateServicePeering?: ServiceNetworkingConnection;
  /** Undefined without Cloud NAT. */
  readonly routerName?: string;
  readonly natName?: string;

  protected readonly target: { readonly name: string; readonly networkId: string };

  constructor(scope: Construct, id: string, props: GcpNetworkProps) {
    super(scope, id, props);
    const fail = this.fail;
    const subnet = validateCidr("subnetCidr", props.subnetCidr, 8, 29, fail);
    const serviceRange = resolveServiceRange(props, fail);
    if (serviceRange && overlaps(subnet, serviceRange)) {
      fail(
        "privateServiceAccessCidr",
        `${serviceRange.text} overlaps subnetCidr ${subnet.text} (the range peered to Google's service network must be disjoint from the subnet)`,
      );
    }
    const iapTags = validateIapSsh(props, fail);

    const name = props.name;
    this.region = props.region;
    this.subnetCidr = subnet.text;
    this.privateServiceAccessCidr = serviceRange?.text;

    // Custom mode: auto mode would create a subnet in every region with ranges we do not choose.
    const network = new ComputeNetwork(this, "network", {
      name: `${name}-vpc`,
      autoCreateSubnetworks: false,
      routingMode: "REGIONAL",
    });
    this.target = { name, networkId: network.id };
    this.networkId = network.id;
    this.networkName = network.name;
    this.networkSelfLink = network.selfLink;

    const subnetwork = new ComputeSubnetwork(this, "subnetwork", {
      name: `${name}-subnet`,
      network: network.id,
      region: props.region,
      ipCidrRange: subnet.text,
      // Instances without public addresses still reach Google APIs (logging, registries) this way.
      privateIpGoogleAccess: true,
      logConfig: props.flowLogs
        ? { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" }
        : undefined,
    });
    this.subnetworkId = subnetwork.id;
    this.subnetworkSelfLink = subnetwork.selfLink;

    if (props.cloudNat ?? true) {
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
    }

    if (serviceRange) this.privateServicePeering = this.addPrivateServiceAccess(serviceRange);

    if (iapTags) this.addIapSshRule(iapTags);
  }
}

function resolveServiceRange(props: GcpNetworkProps, fail: Fail): Ipv4Block | undefined {
  if (props.privateServiceAccess === false) {
    if (props.privateServiceAccessCidr !== undefined) {
      fail("privateServiceAccessCidr", "given while privateServiceAccess is false (drop it, or set privateServiceAccess: true)");
    }
    return undefined;
  }
  if (props.privateServiceAccessCidr === undefined) {
    return fail(
      "privateServiceAccessCidr",
      "is required with private service access (a /8 to /24 range for Cloud SQL private IPs; or set privateServiceAccess: false for no database)",
    );
  }
  return validateServiceRange("privateServiceAccessCidr", props.privateServiceAccessCidr, fail);
}
