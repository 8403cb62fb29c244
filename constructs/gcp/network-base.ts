/**
 * What a created `GcpNetwork` and an adopted one (`GcpNetwork.fromExisting`) share: the interface
 * the stacks use, the firewall rules the services need on either, the private service access
 * peering, and the checks of their props.
 */
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { ComputeFirewall } from "@cdktf/provider-google/lib/compute-firewall";
import { ComputeGlobalAddress } from "@cdktf/provider-google/lib/compute-global-address";
import { ServiceNetworkingConnection } from "@cdktf/provider-google/lib/service-networking-connection";
import { Ipv4Block, parseIpv4Cidr } from "../../lib/cidr";
import { PropsError } from "../../lib/errors";
import { GCP_NAME, GCP_NAME_MAX } from "./limits";
import { TerraformData } from "./terraform-data";

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

/** What the stacks need of a network, whether `GcpNetwork` created it or `GcpNetwork.fromExisting` adopted it. */
export interface IGcpNetwork {
  /** "projects/<project>/global/networks/<name>" (Cloud SQL's private_network takes it). */
  readonly networkId: string;
  readonly networkName: string;
  readonly networkSelfLink: string;
  readonly subnetworkId: string;
  /** What instance templates attach to. */
  readonly subnetworkSelfLink: string;
  readonly region: string;
  /** Undefined for an adopted subnetwork whose range was not given. */
  readonly subnetCidr?: string;
  /** Undefined when this stack reserved no range (none, or the network's existing peering). */
  readonly privateServiceAccessCidr?: string;
  /**
   * The `google_service_networking_connection` created here, which a Cloud SQL instance with a
   * private IP must depend on. Undefined when none was created: no private service access, or the
   * adopted network's existing peering (nothing in this stack to wait for).
   */
  readonly privateServicePeering?: ITerraformDependable;
  /** Firewall rule admitting Google's health-check/load-balancer ranges to `port` on instances tagged `targetTag`, on this network. */
  allowLoadBalancerHealthChecks(id: string, options: LoadBalancerHealthCheckRuleOptions): ComputeFirewall;
}

/** Google Front End and health-check probe ranges (external Application Load Balancers). */
export const GOOGLE_LOAD_BALANCER_RANGES = ["130.211.0.0/22", "35.191.0.0/16"] as const;
/** Source range of Identity-Aware Proxy TCP forwarding. */
export const IAP_TCP_FORWARDING_RANGE = "35.235.240.0/20";

/**
 * Destroy-time step removing the private service access peering the way the console does
 * (compute networks.removePeering), which works once the producers are gone, unlike the provider's
 * deleteConnection; google 6.50 has no deletion_policy for it (ABANDON or unset only). Skipped when
 * the peering is already gone. Needs gcloud with the deploying credentials where Terraform runs.
 */
export const PEERING_REMOVAL_COMMAND = [
  'project=${regex("projects/([^/]+)/global/networks/([^/]+)$", self.input.network)[0]}',
  'network=${regex("projects/([^/]+)/global/networks/([^/]+)$", self.input.network)[1]}',
  'if gcloud compute networks peerings list --project="$project" --network="$network" --format="value(name)" | grep -qx servicenetworking-googleapis-com; then',
  '  gcloud compute networks peerings delete servicenetworking-googleapis-com --project="$project" --network="$network" --quiet',
  "fi",
].join("\n");

const NAME_SUFFIXES = ["-vpc", "-subnet", "-router", "-nat", "-psa", "-allow-iap-ssh"] as const;
const LONGEST_SUFFIX = Math.max(...NAME_SUFFIXES.map((s) => s.length));
const REGION = /^[a-z]+(-[a-z]+)+\d+$/;

export type Fail = (prop: string, message: string) => never;

export function propsFail(construct: string, id: string): Fail {
  return (prop, message) => {
    throw new PropsError(construct, id, prop, message);
  };
}

/** Where this construct's firewall rules and reserved range go. */
interface NetworkTarget {
  /** Name prefix of the rules. */
  readonly name: string;
  readonly networkId: string;
  /** Project of rules and ranges; undefined leaves it to the provider's. */
  readonly project?: string;
}

/** The firewall rules and peering that both kinds of network create on request. */
export abstract class GcpNetworkBase extends Construct {
  protected abstract readonly target: NetworkTarget;
  /** Throws a PropsError naming this network; both kinds report as "GcpNetwork". */
  protected readonly fail: Fail;

  /** Checks the props both kinds share before the subclass creates anything. */
  protected constructor(scope: Construct, id: string, props: { readonly name: string; readonly region: string }) {
    super(scope, id);
    this.fail = propsFail("GcpNetwork", id);
    validateName(props.name, this.fail);
    validateRegion(props.region, this.fail);
  }

  /** Firewall rule admitting Google's health-check/load-balancer ranges (130.211.0.0/22, 35.191.0.0/16) to `port` on instances tagged `targetTag`, on THIS network. */
  allowLoadBalancerHealthChecks(id: string, options: LoadBalancerHealthCheckRuleOptions): ComputeFirewall {
    const prop = (field: string) => `allowLoadBalancerHealthChecks('${id}').${field}`;
    const { port, targetTag } = options;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      this.fail(prop("port"), `${port} is out of range (an integer from 1 to 65535)`);
    }
    checkGcpName(prop("targetTag"), targetTag, "network tag", this.fail);
    const ruleName = options.name ?? `${this.target.name}-allow-lb-${targetTag}-${port}`;
    checkGcpName(prop("name"), ruleName, "firewall rule name", this.fail);
    return new ComputeFirewall(this, id, {
      project: this.target.project,
      name: ruleName,
      description: `Google load balancer and health-check probes to tcp:${port}`,
      network: this.target.networkId,
      direction: "INGRESS",
      sourceRanges: [...GOOGLE_LOAD_BALANCER_RANGES],
      targetTags: [targetTag],
      allow: [{ protocol: "tcp", ports: [String(port)] }],
    });
  }

  protected addIapSshRule(targetTags: string[]): void {
    new ComputeFirewall(this, "iap-ssh", {
      project: this.target.project,
      name: `${this.target.name}-allow-iap-ssh`,
      description: "SSH through Identity-Aware Proxy TCP forwarding only",
      network: this.target.networkId,
      direction: "INGRESS",
      sourceRanges: [IAP_TCP_FORWARDING_RANGE],
      targetTags,
      allow: [{ protocol: "tcp", ports: ["22"] }],
    });
  }

  /** Reserves `range` for Google's service producer network and peers it with this network. */
  protected addPrivateServiceAccess(range: Ipv4Block): ServiceNetworkingConnection {
    const serviceAddress = new ComputeGlobalAddress(this, "private-service-access", {
      project: this.target.project,
      name: `${this.target.name}-psa`,
      purpose: "VPC_PEERING",
      addressType: "INTERNAL",
      address: range.text.split("/")[0],
      prefixLength: range.prefix,
      network: this.target.networkId,
    });
    const peeringRemoval = new TerraformData(this, "private-service-peering-removal", {
      input: { network: this.target.networkId },
      dependsOn: [serviceAddress],
      provisioners: [{ type: "local-exec", when: "destroy", command: PEERING_REMOVAL_COMMAND }],
    });
    return new ServiceNetworkingConnection(this, "private-service-connection", {
      network: this.target.networkId,
      service: "servicenetworking.googleapis.com",
      reservedPeeringRanges: [serviceAddress.name],
      // Deleting the connection (servicenetworking deleteConnection) fails for hours to days after the
      // last Cloud SQL instance is gone ("Producer services ... are still using this connection";
      // hashicorp/terraform-provider-google#16275, #19908, #18834), so it is only forgotten, and the
      // peering it leaves, which would block deleting the reserved range and the VPC, is removed by
      // peeringRemoval. Depending on it puts that removal after everything that uses the connection
      // (the Cloud SQL instance) and before the range and the network on destroy.
      deletionPolicy: "ABANDON",
      dependsOn: [peeringRemoval],
    });
  }
}

export function validateName(name: string, fail: Fail): void {
  const max = GCP_NAME_MAX - LONGEST_SUFFIX;
  if (typeof name !== "string" || !GCP_NAME.test(name) || name.length > max) {
    fail(
      "name",
      `"${name}" is not a usable name prefix (1 to ${max} lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen; GCP names are at most ${GCP_NAME_MAX} characters and the longest suffix is "-allow-iap-ssh")`,
    );
  }
}

export function validateRegion(region: string, fail: Fail): void {
  if (typeof region !== "string" || !REGION.test(region)) {
    fail("region", `"${region}" is not a GCP region name (e.g. "europe-west1")`);
  }
}

export function checkGcpName(prop: string, value: string, what: string, fail: Fail): void {
  if (typeof value !== "string" || !GCP_NAME.test(value) || value.length > GCP_NAME_MAX) {
    fail(
      prop,
      `"${value}" is not a valid ${what} (1 to ${GCP_NAME_MAX} lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen)`,
    );
  }
}

export function validateCidr(prop: string, text: string, largest: number, smallest: number, fail: Fail): Ipv4Block {
  const block = parseIpv4Cidr(text);
  if ("error" in block) return fail(prop, block.error);
  if (block.prefix < largest || block.prefix > smallest) {
    fail(prop, `${block.text} has a size GCP does not accept here (prefixes /${largest} to /${smallest})`);
  }
  return block;
}

/** The range of a private service access reservation: /8 to /24. */
export function validateServiceRange(prop: string, text: string, fail: Fail): Ipv4Block {
  return validateCidr(prop, text, 8, 24, fail);
}

export interface IapSshProps {
  readonly iapSsh?: boolean;
  readonly iapSshTargetTags?: string[];
}

export function validateIapSsh(props: IapSshProps, fail: Fail): string[] | undefined {
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
