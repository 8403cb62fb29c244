/**
 * A network and subnetwork that another team (or another stack) owns, adopted by name or self link.
 * Nothing is looked up: a data source would be read by every plan, even `-refresh=false` offline
 * ones. The only resources created are the ones the services need on it: the firewall rules asked
 * for and, when the network has no private service access yet, the reserved range and peering.
 */
import { Token } from "cdktf";
import { Construct } from "constructs";
import { ServiceNetworkingConnection } from "@cdktf/provider-google/lib/service-networking-connection";
import { Ipv4Block, overlaps } from "../../lib/cidr";
import { GCP_NAME, GCP_PROJECT_ID } from "./limits";
import {
  checkGcpName,
  Fail,
  GcpNetworkBase,
  IapSshProps,
  IGcpNetwork,
  validateCidr,
  validateIapSsh,
  validateServiceRange,
} from "./network-base";

export interface ExistingGcpNetworkProps extends IapSshProps {
  /**
   * Prefix of the names of what is created on the network ("-allow-iap-ssh", "-allow-lb-…", "-psa"):
   * lower-case letters, digits and hyphens, at most 49 characters.
   */
  readonly name: string;
  /**
   * Project that owns the network and subnetwork (a Shared VPC's host project). The firewall rules
   * and reserved range are created there, since they belong to the network.
   */
  readonly project: string;
  /** Region of the subnetwork, e.g. "europe-west1". */
  readonly region: string;
  /** The network: its name, "projects/<project>/global/networks/<name>", or its self link. */
  readonly network: string;
  /** The subnetwork: its name, "projects/<project>/regions/<region>/subnetworks/<name>", or its self link. */
  readonly subnetwork: string;
  /**
   * The subnetwork's primary range, for allow-lists; only recorded (nothing checks it against GCP).
   * @default - unknown: `subnetCidr` is undefined
   */
  readonly subnetCidr?: string;
  /**
   * Private service access (Cloud SQL private IP) on the network:
   * - `"none"`: none is needed (no database);
   * - `"existing"`: the network is already peered with servicenetworking.googleapis.com; nothing is
   *   created and `privateServicePeering` is undefined (a network has one such connection);
   * - `{ cidr }`: reserve this /8 to /24 range and create the peering here.
   * @default "none"
   */
  readonly privateServiceAccess?: "none" | "existing" | { readonly cidr: string };
}

const COMPUTE_API = /^https:\/\/(?:www|compute)\.googleapis\.com\/compute\/(?:v1|beta)\//;
const NETWORK_PATH = /^projects\/([^/]+)\/global\/networks\/([^/]+)$/;
const SUBNETWORK_PATH = /^projects\/([^/]+)\/regions\/([^/]+)\/subnetworks\/([^/]+)$/;

/** Created by `GcpNetwork.fromExisting`. */
export class ExistingGcpNetwork extends GcpNetworkBase implements IGcpNetwork {
  readonly networkId: string;
  readonly networkName: string;
  readonly networkSelfLink: string;
  readonly subnetworkId: string;
  readonly subnetworkSelfLink: string;
  readonly region: string;
  readonly subnetCidr?: string;
  readonly privateServiceAccessCidr?: string;
  readonly privateServicePeering?: ServiceNetworkingConnection;

  protected readonly target: { readonly name: string; readonly networkId: string; readonly project: string };

  constructor(scope: Construct, id: string, props: ExistingGcpNetworkProps) {
    super(scope, id, props);
    const fail = this.fail;
    if (typeof props.project !== "string" || !GCP_PROJECT_ID.test(props.project)) {
      fail("project", `"${props.project}" is not a project id (6 to 30 lower-case letters, digits or hyphens, starting with a letter)`);
    }
    const networkName = resolveName("network", props.network, NETWORK_PATH, props, fail);
    const subnetworkName = resolveName("subnetwork", props.subnetwork, SUBNETWORK_PATH, props, fail);
    const subnet = props.subnetCidr === undefined ? undefined : validateCidr("subnetCidr", props.subnetCidr, 8, 29, fail);
    const serviceRange = resolveServiceAccess(props.privateServiceAccess, subnet, fail);
    const iapTags = validateIapSsh(props, fail);

    this.networkId = `projects/${props.project}/global/networks/${networkName}`;
    this.networkName = networkName;
    this.networkSelfLink = `https://www.googleapis.com/compute/v1/${this.networkId}`;
    this.subnetworkId = `projects/${props.project}/regions/${props.region}/subnetworks/${subnetworkName}`;
    this.subnetworkSelfLink = `https://www.googleapis.com/compute/v1/${this.subnetworkId}`;
    this.region = props.region;
    this.subnetCidr = subnet?.text;
    this.target = { name: props.name, networkId: this.networkId, project: props.project };

    if (serviceRange) {
      this.privateServiceAccessCidr = serviceRange.text;
      this.privateServicePeering = this.addPrivateServiceAccess(serviceRange);
    }
    if (iapTags) this.addIapSshRule(iapTags);
  }
}

/**
 * The resource name in `value` (a name, a path or a self link); a path's project and region
 * must be the ones given, so every id built from them points at the same resource.
 */
function resolveName(
  prop: "network" | "subnetwork",
  value: string,
  path: RegExp,
  where: { project: string; region: string },
  fail: Fail,
): string {
  const shape = prop === "network" ? "projects/<project>/global/networks/<name>" : "projects/<project>/regions/<region>/subnetworks/<name>";
  if (typeof value !== "string" || value === "") return fail(prop, `is empty (a name, "${shape}" or a self link)`);
  if (Token.isUnresolved(value)) {
    return fail(prop, "is a token; give the name or self link itself, from which this construct builds the ids it hands out");
  }
  if (GCP_NAME.test(value)) {
    checkGcpName(prop, value, `${prop} name`, fail);
    return value;
  }
  const match = path.exec(value.replace(COMPUTE_API, ""));
  if (!match) return fail(prop, `"${value}" is not a ${prop} name, "${shape}" or a self link`);
  const [, project, ...rest] = match;
  const name = rest[rest.length - 1];
  if (project !== where.project) fail(prop, `"${value}" is in project ${project}, not ${where.project} (project must name the network's own project)`);
  if (rest.length === 2 && rest[0] !== where.region) fail(prop, `"${value}" is in region ${rest[0]}, not ${where.region}`);
  checkGcpName(prop, name, `${prop} name`, fail);
  return name;
}

function resolveServiceAccess(
  access: ExistingGcpNetworkProps["privateServiceAccess"],
  subnet: Ipv4Block | undefined,
  fail: Fail,
): Ipv4Block | undefined {
  if (access === undefined || access === "none" || access === "existing") return undefined;
  if (typeof access !== "object" || access === null || typeof access.cidr !== "string") {
    return fail("privateServiceAccess", `${JSON.stringify(access)} is not "none", "existing" or { cidr: "<range>" }`);
  }
  const range = validateServiceRange("privateServiceAccess.cidr", access.cidr, fail);
  if (subnet && overlaps(subnet, range)) {
    fail("privateServiceAccess.cidr", `${range.text} overlaps subnetCidr ${subnet.text} (the range peered to Google's service network must be disjoint from the subnet)`);
  }
  return range;
}
