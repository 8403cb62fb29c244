/**
 * One service's virtual machines on Google Cloud: a dedicated service account, an instance
 * template, a regional managed instance group spread over the given zones, and a CPU autoscaler.
 *
 * The VMs have no external IP (egress goes through Cloud NAT), except in a network without NAT
 * (`externalIp: true`), and no project-wide SSH keys: shell access is OS Login (IAM-controlled),
 * typically through IAP TCP forwarding.
 *
 * With `container`, each instance runs one container image on Container-Optimized OS instead of a
 * startup script of the user's (./instance-container.ts), with read access to the image's Artifact
 * Registry repository when it lives there.
 */
import { createHash } from "crypto";
import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { ComputeInstanceTemplate } from "@cdktf/provider-google/lib/compute-instance-template";
import { ComputeRegionAutoscaler } from "@cdktf/provider-google/lib/compute-region-autoscaler";
import { ComputeRegionInstanceGroupManager } from "@cdktf/provider-google/lib/compute-region-instance-group-manager";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { PropsError, propsFailure } from "../../lib/errors";
import { escapeTemplate } from "../../lib/terraform-template";
import { addContainerRuntime, COS_IMAGE, GcpInstanceContainer, validateContainer } from "./instance-container";
import { GCP_NAME, GCP_NAME_MAX, GCP_PROJECT_ID } from "./limits";

/** Debian 12 image family from Google's public image project (resolved by Compute Engine, no data source). */
export const DEFAULT_GCP_IMAGE = "debian-cloud/debian-12";

/**
 * The only project roles the VMs' service account holds: enough for the Ops Agent to ship logs and
 * metrics. Grant more (e.g. a Secret Manager secret) to `serviceAccountMember` where it is needed.
 */
export const INSTANCE_ROLES = ["roles/logging.logWriter", "roles/monitoring.metricWriter"] as const;

/**
 * The VMs' OAuth scope. Google recommends cloud-platform plus IAM roles: access is bounded by the
 * dedicated account's two roles above, and narrower legacy scopes would silently block any role
 * granted later (Secret Manager, Cloud SQL client) until the template is replaced.
 */
export const INSTANCE_SCOPES = ["https://www.googleapis.com/auth/cloud-platform"] as const;

/** The template is named `<name>-<suffix>` through name_prefix, which Terraform caps at 54 characters. */
const MAX_NAME_LENGTH = 53;
const REGION = /^[a-z]+-[a-z]+[0-9]+$/;
const MACHINE_TYPE = /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/;
/** Service account ids: 6-30 characters, same alphabet as other resource names. */
const SERVICE_ACCOUNT_ID_MAX = 30;
const SERVICE_ACCOUNT_ID_MIN = 6;
/** Smallest boot disk the public Debian/Ubuntu images fit on, and the largest persistent disk. */
const MIN_DISK_GB = 10;
const MAX_DISK_GB = 65536;

export interface GcpInstanceGroupProps {
  /**
   * Base name of every resource (template prefix, group, autoscaler, instances, network tag) and of the
   * service account id; the group's own name adds a short hash of `zones` (see `instanceGroupManagerName`). Lower-case letters, digits and "-", starting with a letter, not ending with "-",
   * at most 53 characters (the instance template's name_prefix limit).
   */
  readonly name: string;
  /** Project id that holds the VMs, their service account and its role bindings. */
  readonly project: string;
  /** Region of the managed instance group and its autoscaler, e.g. "europe-west1". */
  readonly region: string;
  /** Zones of `region` the instances are spread over (e.g. ["europe-west1-b", "europe-west1-c"]); at least one, distinct. */
  readonly zones: string[];
  /** Self link (or id) of the subnetwork the instances attach to. */
  readonly subnetworkSelfLink: string;
  /**
   * Compute Engine machine type.
   * @default "e2-medium"
   */
  readonly machineType?: string;
  /**
   * Boot image: a public image family ("project/family"), an image name or a full image URL.
   * Shielded VM (secure boot) needs a UEFI image, which every current public image is.
   * Given explicitly, it wins over container mode's default too (e.g. to pin a COS milestone such as
   * "cos-cloud/cos-121-lts"); it must then bring docker, and docker-credential-gcr for an Artifact
   * Registry image, as every COS image does.
   * @default "debian-cloud/debian-12"; with `container` "cos-cloud/cos-stable"
   */
  readonly image?: string;
  /**
   * Shell script run at every boot (metadata `startup-script`), as written: "${VAR}" and "%{...}"
   * reach the shell, not Terraform's template engine. Never put secrets in it: metadata is readable by
   * anyone with compute viewer access. Not with `container`, which generates the startup script.
   * @default no startup script
   */
  readonly startupScript?: string;
  /**
   * Run this container image on every instance, on Container-Optimized OS: a generated startup
   * script starts it with its environment on `port` (published on the same host port), restarts it
   * always, and sends its output to Cloud Logging (docker's gcplogs driver). Changing the image or
   * the environment replaces only the instance template; the group's proactive update rolls it out.
   * @default no container: the instances run `startupScript`
   */
  readonly container?: GcpInstanceContainer;
  /** Port the service listens on, published as the named port the backend service sends traffic to (1-65535). */
  readonly port: number;
  /**
   * Name of the named port (`port_name` of the backend service). Lower-case RFC 1035 name, at most 63 characters.
   * @default "http"
   */
  readonly portName?: string;
  /** Health check (id or self link) whose failures make the group recreate an instance (auto-healing). */
  readonly healthCheckId: string;
  /**
   * Seconds a new instance may take to boot and start the service before auto-healing judges it (0-3600);
   * also the autoscaler's initialization period, during which its CPU is ignored.
   * @default 300
   */
  readonly initialDelaySeconds?: number;
  /** Fewest instances the autoscaler keeps (integer >= 0, <= maxReplicas). */
  readonly minReplicas: number;
  /** Most instances the autoscaler may run (integer >= 1). */
  readonly maxReplicas: number;
  /**
   * Average CPU utilization the autoscaler aims for, as a FRACTION from 0.05 to 0.95 (0.6 = 60 %).
   * @default 0.6
   */
  readonly cpuTarget?: number;
  /**
   * Boot disk size in GB (integer, 10-65536).
   * @default 20
   */
  readonly diskSizeGb?: number;
  /**
   * Boot disk type. Newer machine series (C4, N4, ...) support only Hyperdisk ("hyperdisk-balanced").
   * @default "pd-balanced"
   */
  readonly diskType?: string;
  /**
   * An ephemeral external IPv4 address on each VM, for a network without Cloud NAT: the only way
   * out to the internet there. Inbound traffic is still decided by the network's firewall rules,
   * which admit only Google's load balancer and health-check ranges (and IAP SSH when enabled).
   * @default false
   */
  readonly externalIp?: boolean;
}

/** Service account + instance template + regional managed instance group + CPU autoscaler. */
export class GcpInstanceGroup extends Construct {
  /** The group's instance_group URL: the `group` of a backend service's backend. */
  readonly instanceGroup: string;
  /** Id of the regional instance group manager. */
  readonly instanceGroupManagerId: string;
  /** Network tag on every VM: firewall rules (health checks, load balancer proxies) target it. */
  readonly networkTag: string;
  /** Email of the VMs' dedicated service account. */
  readonly serviceAccountEmail: string;
  /** "serviceAccount:<email>", the IAM member for further grants (e.g. a secret's accessor). */
  readonly serviceAccountMember: string;
  /** Named port the backend service must use (`port_name`). */
  readonly portName: string;
  readonly port: number;

  constructor(scope: Construct, id: string, props: GcpInstanceGroupProps) {
    super(scope, id);
    validate(id, props);

    const name = props.name;
    const portName = props.portName ?? "http";
    const initialDelay = props.initialDelaySeconds ?? 300;
    const networkTag = name;

    const serviceAccount = new ServiceAccount(this, "service-account", {
      project: props.project,
      accountId: serviceAccountId(name),
      displayName: `VMs of ${name}`,
      description: `Dedicated identity of the ${name} instances: writes logs and metrics only`,
    });
    const roleBindings: ITerraformDependable[] = INSTANCE_ROLES.map(
      (role) =>
        new ProjectIamMember(this, `role-${role.split("/")[1].replace(/\./g, "-")}`, {
          project: props.project,
          role,
          member: serviceAccount.member,
        }),
    );

    const container = props.container;
    const runtime =
      container && addContainerRuntime(this, { name, port: props.port, serviceAccountMember: serviceAccount.member, container });

    const metadata: Record<string, string> = {
      "block-project-ssh-keys": "true",
      "enable-oslogin": "TRUE",
      ...runtime?.metadata,
    };
    // Terraform reads a metadata value as a template: unescaped, "${HOME}" fails the plan and "%{...}" runs.
    if (props.startupScript !== undefined) metadata["startup-script"] = escapeTemplate(props.startupScript);

    const template = new ComputeInstanceTemplate(this, "template", {
      project: props.project,
      // A template cannot be edited: every change is a new template (unique name) the group rolls out
      // before the old one is deleted.
      namePrefix: `${name}-`,
      lifecycle: { createBeforeDestroy: true },
      description: `Instances of ${name}`,
      machineType: props.machineType ?? "e2-medium",
      disk: [
        {
          boot: true,
          autoDelete: true,
          sourceImage: props.image ?? (container ? COS_IMAGE : DEFAULT_GCP_IMAGE),
          diskSizeGb: props.diskSizeGb ?? 20,
          diskType: props.diskType ?? "pd-balanced",
        },
      ],
      // Without access_config there is no external IP and outbound traffic leaves through Cloud NAT;
      // an empty one asks for an ephemeral address.
      networkInterface: [{ subnetwork: props.subnetworkSelfLink, accessConfig: props.externalIp ? [{}] : undefined }],
      shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
      metadata,
      tags: [networkTag],
      serviceAccount: { email: serviceAccount.email, scopes: [...INSTANCE_SCOPES] },
    });

    const manager = new ComputeRegionInstanceGroupManager(this, "group", {
      project: props.project,
      // distribution_policy_zones is ForceNew. Under a fixed name the old group had to go first, which
      // the backend service still using it refuses (resourceInUseByAnotherResource). Named after its
      // zones and created before the old one is destroyed, the new group takes the old one's place in
      // the backend service and the autoscaler (both updated in place) before the old one is deleted.
      name: instanceGroupManagerName(name, props.zones),
      lifecycle: { createBeforeDestroy: true },
      description: `Instances of ${name}`,
      baseInstanceName: name,
      region: props.region,
      distributionPolicyZones: props.zones,
      // self_link_unique pins the exact template (not a same-named replacement).
      version: [{ name: "primary", instanceTemplate: template.selfLinkUnique }],
      namedPort: [{ name: portName, port: props.port }],
      autoHealingPolicies: { healthCheck: props.healthCheckId, initialDelaySec: initialDelay },
      // Surge one instance per zone (a regional group needs 0 or >= the number of zones) and never
      // take a serving instance down before its replacement is up.
      updatePolicy: {
        type: "PROACTIVE",
        minimalAction: "REPLACE",
        maxSurgeFixed: props.zones.length,
        maxUnavailableFixed: 0,
      },
      // No target_size: the autoscaler owns the size, and Terraform would fight it on every apply.
      // Instances start with their roles already granted, so the first boot's logs are not lost and
      // the first pull is allowed.
      dependsOn: [...roleBindings, ...(runtime?.prerequisites ?? [])],
    });

    new ComputeRegionAutoscaler(this, "autoscaler", {
      project: props.project,
      name,
      region: props.region,
      target: manager.id,
      autoscalingPolicy: {
        mode: "ON",
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        cooldownPeriod: initialDelay,
        cpuUtilization: { target: props.cpuTarget ?? 0.6 },
      },
    });

    this.instanceGroup = manager.instanceGroup;
    this.instanceGroupManagerId = manager.id;
    this.networkTag = networkTag;
    this.serviceAccountEmail = serviceAccount.email;
    this.serviceAccountMember = serviceAccount.member;
    this.portName = portName;
    this.port = props.port;
  }
}

/**
 * "<name>-<6 hex characters of the SHA-256 of the sorted zones>": a group name that changes exactly
 * when the zones do. Sorted because the provider keeps the zones as a set: reordering them is no change.
 * At most 60 characters for the longest group name (53), within GCP's 63.
 */
export function instanceGroupManagerName(name: string, zones: readonly string[]): string {
  const hash = createHash("sha256").update([...zones].sort().join(",")).digest("hex").slice(0, 6);
  return `${name}-${hash}`;
}

/**
 * Service account id for a group name: "<name>-vm", padded to GCP's 6-character minimum, or, past the
 * 30-character maximum, the name's first 21 characters plus 8 hex characters of its SHA-256 (stable
 * and distinct for names sharing a prefix).
 */
export function serviceAccountId(name: string): string {
  const candidate = `${name}-vm`;
  if (candidate.length > SERVICE_ACCOUNT_ID_MAX) {
    const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
    return `${name.slice(0, SERVICE_ACCOUNT_ID_MAX - 9).replace(/-+$/, "")}-${hash}`;
  }
  return candidate.length < SERVICE_ACCOUNT_ID_MIN ? `${candidate}-sa` : candidate;
}

function validate(id: string, props: GcpInstanceGroupProps): void {
  const fail = (prop: string, problem: string, allowed: string): never => {
    throw new PropsError("GcpInstanceGroup", id, prop, problem, allowed);
  };
  const isInteger = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value);
  const literal = (value: unknown): value is string => typeof value === "string" && !Token.isUnresolved(value);

  if (typeof props.name !== "string" || !GCP_NAME.test(props.name) || props.name.length > MAX_NAME_LENGTH) {
    fail(
      "name",
      `"${props.name}" is not a valid name`,
      `lower-case letters, digits and "-", starting with a letter, not ending with "-", at most ${MAX_NAME_LENGTH} characters`,
    );
  }
  if (!props.project) fail("project", "is empty", "the id of the project holding the instances");
  if (literal(props.project) && !GCP_PROJECT_ID.test(props.project)) {
    fail("project", `"${props.project}" is not a project id`, 'lower-case letters, digits and "-", 6 to 30 characters, starting with a letter');
  }
  if (!props.region) fail("region", "is empty", 'a Compute Engine region such as "europe-west1"');
  if (literal(props.region) && !REGION.test(props.region)) {
    fail("region", `"${props.region}" is not a region`, 'a Compute Engine region such as "europe-west1"');
  }
  if (!Token.isUnresolved(props.zones)) {
    if (!Array.isArray(props.zones) || props.zones.length < 1) {
      fail("zones", "no zone given", `at least one zone of ${props.region}, e.g. "${props.region}-b"`);
    }
    props.zones.forEach((zone, index) => {
      if (!zone) fail(`zones[${index}]`, "is empty", `a zone of ${props.region}, e.g. "${props.region}-b"`);
      if (literal(zone) && literal(props.region) && !new RegExp(`^${props.region}-[a-z]$`).test(zone)) {
        fail(`zones[${index}]`, `"${zone}" is not a zone of region ${props.region}`, `"${props.region}-<letter>", e.g. "${props.region}-b"`);
      }
      if (props.zones.indexOf(zone) !== index) fail(`zones[${index}]`, `"${zone}" is listed twice`, "distinct zones");
    });
  }
  if (!props.subnetworkSelfLink) fail("subnetworkSelfLink", "is empty", "the self link of the subnetwork");
  if (props.externalIp !== undefined && typeof props.externalIp !== "boolean") {
    fail("externalIp", `${JSON.stringify(props.externalIp)} is not a boolean`, "true in a network without Cloud NAT, false otherwise");
  }
  if (props.machineType !== undefined && !Token.isUnresolved(props.machineType) && !MACHINE_TYPE.test(props.machineType)) {
    fail("machineType", `"${props.machineType}" is not a machine type`, 'series-shape, e.g. "e2-medium" or "n2-standard-2"');
  }
  if (props.image !== undefined && !props.image) {
    fail("image", "is empty", 'an image family such as "debian-cloud/debian-12", an image name or URL');
  }
  if (props.startupScript !== undefined && (typeof props.startupScript !== "string" || props.startupScript.length === 0)) {
    fail("startupScript", "is empty", "a shell script, or leave it unset");
  }
  if (props.container !== undefined) {
    if (props.startupScript !== undefined) {
      fail("startupScript", "is set together with container", "container generates the startup script: put the setup into the image, or leave container out");
    }
    validateContainer(props.container, propsFailure("GcpInstanceGroup", id));
  }
  if (!isInteger(props.port) || props.port < 1 || props.port > 65535) {
    fail("port", `${props.port} is not a TCP port`, "an integer from 1 to 65535");
  }
  if (props.portName !== undefined && (!GCP_NAME.test(props.portName) || props.portName.length > GCP_NAME_MAX)) {
    fail("portName", `"${props.portName}" is not a valid port name`, `lower-case letters, digits and "-", starting with a letter, at most ${GCP_NAME_MAX} characters`);
  }
  if (!props.healthCheckId) fail("healthCheckId", "is empty", "the id of the health check used for auto-healing");
  const delay = props.initialDelaySeconds;
  if (delay !== undefined && (!isInteger(delay) || delay < 0 || delay > 3600)) {
    fail("initialDelaySeconds", `${delay} is not allowed`, "an integer from 0 to 3600");
  }
  if (!isInteger(props.minReplicas) || props.minReplicas < 0) {
    fail("minReplicas", `${props.minReplicas} is not allowed`, "an integer >= 0");
  }
  if (!isInteger(props.maxReplicas) || props.maxReplicas < 1) {
    fail("maxReplicas", `${props.maxReplicas} is not allowed`, "an integer >= 1");
  }
  if (props.minReplicas > props.maxReplicas) {
    fail("minReplicas", `${props.minReplicas} is greater than maxReplicas ${props.maxReplicas}`, "minReplicas <= maxReplicas");
  }
  const cpu = props.cpuTarget;
  if (cpu !== undefined && (typeof cpu !== "number" || !Number.isFinite(cpu) || cpu < 0.05 || cpu > 0.95)) {
    fail("cpuTarget", `${cpu} is not allowed`, "a fraction from 0.05 to 0.95, e.g. 0.6 for 60 %");
  }
  const disk = props.diskSizeGb;
  if (disk !== undefined && (!isInteger(disk) || disk < MIN_DISK_GB || disk > MAX_DISK_GB)) {
    fail("diskSizeGb", `${disk} is not allowed`, `an integer from ${MIN_DISK_GB} to ${MAX_DISK_GB}`);
  }
  if (props.diskType !== undefined && !/^(pd|hyperdisk)-[a-z-]+$/.test(props.diskType)) {
    fail("diskType", `"${props.diskType}" is not a disk type`, 'e.g. "pd-balanced", "pd-ssd" or "hyperdisk-balanced"');
  }
}
