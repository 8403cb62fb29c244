/**
 * The one place where an environment file becomes Google Cloud construct props: sizes, names,
 * health checks, algorithm, timeouts, backend. Pure (no constructs are created), so each
 * cloud-neutral field's GCP meaning can be read, and tested, here. The stack (./stack.ts) only
 * creates the constructs and wires their references together.
 */
import { GcsBackendConfig } from "cdktf";
import { CloudSqlDatabaseProps } from "../../constructs/gcp/cloud-sql";
import { CloudDnsZoneProps } from "../../constructs/gcp/dns-zone";
import { GcpHealthCheckProps } from "../../constructs/gcp/health-check";
import { GcpInstanceGroupProps } from "../../constructs/gcp/instance-group";
import { GcpLoadBalancerProps, LocalityPolicy } from "../../constructs/gcp/load-balancer";
import { ExistingGcpNetworkProps } from "../../constructs/gcp/existing-network";
import { GcpNetworkProps } from "../../constructs/gcp/network";
import { defaultGcsStatePrefix, resourcePrefix, serviceResourceName } from "../../lib/naming";
import { DEFAULT_LOAD_BALANCER_TIMEOUT_SECONDS, DnsMode, EnvironmentSpec, GcpSpec, Size } from "../../environment/schema";
import { effectiveDnsMode } from "../../environment/validate-routing";
import { GcpCertificateProps } from "../../constructs/gcp/certificate";
import { catchAllService, certificateDomains, containerEnv, isProduction, localStatePath, stackTags } from "../common";
import { canaryInstances } from "../../environment/validate-release";

/** Cloud-neutral sizes → Compute Engine machine types, unless the gcp section overrides them. */
const DEFAULT_MACHINE_TYPES: Record<Size, string> = { small: "e2-small", medium: "e2-medium", large: "e2-standard-2" };
/** Cloud-neutral sizes → Cloud SQL tiers (dedicated-core custom machines; shared-core has no SLA). */
const DEFAULT_DATABASE_TIERS: Record<Size, string> = {
  small: "db-custom-1-3840",
  medium: "db-custom-2-7680",
  large: "db-custom-4-15360",
};
const LOCALITY_POLICY: Record<EnvironmentSpec["loadBalancer"]["algorithm"], LocalityPolicy> = {
  "round-robin": "ROUND_ROBIN",
  "least-outstanding-requests": "LEAST_REQUEST",
};

export interface GcpServiceProps {
  readonly name: string;
  readonly healthCheck: GcpHealthCheckProps;
  /** The stack adds the subnetwork and the health check. */
  readonly instanceGroup: Omit<GcpInstanceGroupProps, "subnetworkSelfLink" | "healthCheckId">;
  /** Name of the firewall rule admitting Google's load balancer and health-check ranges. */
  readonly firewallRuleName: string;
  /** A canary release: a second, fixed-size group running the canary image behind a weighted canary backend. */
  readonly canary?: {
    readonly weight: number;
    readonly instanceGroup: Omit<GcpInstanceGroupProps, "subnetworkSelfLink" | "healthCheckId">;
    readonly firewallRuleName: string;
  };
}

export interface GcpStackProps {
  readonly project: string;
  readonly region: string;
  readonly defaultLabels: Record<string, string>;
  /** Local state file (relative to the stack directory), or the GCS backend. */
  readonly backend: { readonly local: { readonly path: string } } | { readonly gcs: GcsBackendConfig };
  /** A network created here, or one adopted by name. */
  readonly network: { readonly create: GcpNetworkProps } | { readonly existing: ExistingGcpNetworkProps };
  readonly services: readonly GcpServiceProps[];
  /** The stack adds each service's instance group, named port and health check. */
  readonly loadBalancer: Omit<GcpLoadBalancerProps, "services"> & {
    readonly services: readonly { name: string; hostnames?: string[]; paths?: string[] }[];
  };
  /** Certificate Manager certificates for the routed hostnames; absent without a domain (HTTP only). */
  readonly certificate?: GcpCertificateProps;
  /**
   * The Cloud DNS zone (created, adopted or created and delegated), or `external` when the records
   * live at another DNS provider. Absent without a domain.
   */
  readonly dns?: { readonly zone: CloudDnsZoneProps; readonly mode: DnsMode } | { readonly external: true };
  /** Absent without a database section: no Cloud SQL, secret, grants or outputs for it. */
  readonly database?: Omit<CloudSqlDatabaseProps, "networkId" | "privateServiceConnection">;
}

export function gcpSection(environment: EnvironmentSpec): GcpSpec {
  if (!environment.gcp) {
    // The app only builds a GCP stack for a file with a gcp: section.
    throw new Error(`${environment.file}: gcp: section missing (GcpWebStack needs it)`);
  }
  return environment.gcp;
}

export function gcpStackProps(environment: EnvironmentSpec, stackId: string): GcpStackProps {
  const gcp = gcpSection(environment);
  const prefix = resourcePrefix(environment.project, environment.name);
  const production = isProduction(environment);
  const machineTypes = { ...DEFAULT_MACHINE_TYPES, ...gcp.machineTypes };
  const db = environment.database;
  return {
    project: gcp.project,
    region: gcp.region,
    defaultLabels: googleLabels(stackTags(environment, stackId)),
    backend:
      gcp.backend.type === "local"
        ? { local: { path: localStatePath(stackId) } }
        : // GCS locks state natively; nothing else to configure.
          { gcs: { bucket: gcp.backend.bucket, prefix: gcp.backend.prefix ?? defaultGcsStatePrefix(environment.project, stackId) } },
    network: gcpNetwork(environment, gcp, prefix),
    services: environment.services.map((service) => {
      const name = serviceResourceName(prefix, service.name);
      const check = service.healthCheck;
      const instanceGroup: GcpServiceProps["instanceGroup"] = {
        name,
        project: gcp.project,
        region: gcp.region,
        zones: gcp.zones,
        machineType: machineTypes[service.size],
        image: gcp.image,
        startupScript: service.startupScript,
        // The stack adds the database's variables (tokens) to env.
        container: service.image === undefined ? undefined : { image: service.image, env: containerEnv(service, "gcp", gcp.region) },
        port: service.port,
        initialDelaySeconds: service.startupGraceSeconds,
        minReplicas: service.capacity.min,
        maxReplicas: service.capacity.max,
        cpuTarget: service.cpuTargetPercent / 100,
        // Without Cloud NAT the instances reach the internet by their own external IPs.
        externalIp: gcp.network.nat === "none",
      };
      const canary = service.release?.canary;
      const canaryInstanceCount = canary && canaryInstances(service.capacity.min, canary.percent);
      return {
        name: service.name,
        healthCheck: {
          name: `${name}-hc`,
          port: service.port,
          requestPath: check.path,
          checkIntervalSeconds: check.intervalSeconds,
          timeoutSeconds: check.timeoutSeconds,
          healthyThreshold: check.healthyThreshold,
          unhealthyThreshold: check.unhealthyThreshold,
        },
        instanceGroup,
        firewallRuleName: `${name}-allow-lb`,
        canary: canary && {
          weight: canary.percent,
          // A fixed share of the stable minimum: the canary does not autoscale, its weight sets its traffic.
          instanceGroup: {
            ...instanceGroup,
            name: `${name}-canary`,
            minReplicas: canaryInstanceCount!,
            maxReplicas: canaryInstanceCount!,
            container: { ...instanceGroup.container!, image: canary.image },
          },
          firewallRuleName: `${name}-canary-allow-lb`,
        },
      };
    }),
    loadBalancer: {
      name: prefix,
      // A websocket (STOMP) lives at most this long: GCP has no idle timeout for it.
      timeoutSeconds:
        gcp.loadBalancer.requestTimeoutSeconds ?? environment.loadBalancer.idleTimeoutSeconds ?? DEFAULT_LOAD_BALANCER_TIMEOUT_SECONDS,
      localityPolicy: LOCALITY_POLICY[environment.loadBalancer.algorithm],
      defaultService: catchAllService(environment),
      services: environment.services.map((service) => ({ name: service.name, hostnames: service.hostnames, paths: service.paths })),
    },
    certificate: gcpCertificate(environment, prefix),
    dns: gcpDns(environment, gcp, prefix),
    database: db && {
      name: prefix,
      project: gcp.project,
      region: gcp.region,
      engine: db.engine,
      engineVersion: db.version,
      tier: { ...DEFAULT_DATABASE_TIERS, ...gcp.databaseTiers }[db.size],
      diskSizeGb: db.storageGb,
      diskAutoresizeLimitGb: db.maxStorageGb,
      highAvailability: db.highAvailability ?? production,
      deletionProtection: production,
      backupRetentionDays: db.backupRetentionDays,
      databaseName: db.name,
      retainBackupsOnDelete: db.finalSnapshot,
      passwordVersion: gcp.databasePasswordVersion,
    },
  };
}

function gcpCertificate(environment: EnvironmentSpec, prefix: string): GcpCertificateProps | undefined {
  const domains = certificateDomains(environment);
  return domains && { name: prefix, hostnames: [domains.domainName, ...domains.subjectAlternativeNames] };
}

function gcpDns(environment: EnvironmentSpec, gcp: GcpSpec, prefix: string): GcpStackProps["dns"] {
  if (environment.domain === undefined) return undefined;
  const mode = effectiveDnsMode(environment);
  if (mode === "external") return { external: true };
  return {
    mode,
    zone: {
      name: prefix,
      domainName: environment.domain,
      existingZoneName: mode === "existing" ? gcp.dnsZoneName : undefined,
      parentZone: mode === "delegate" ? gcp.parentDnsZone : undefined,
      preventDestroy: isProduction(environment),
    },
  };
}

function gcpNetwork(environment: EnvironmentSpec, gcp: GcpSpec, prefix: string): GcpStackProps["network"] {
  const { network } = gcp;
  const iap = {
    iapSsh: network.iapSsh,
    iapSshTargetTags: network.iapSsh
      ? environment.services.flatMap((service) => {
          const name = serviceResourceName(prefix, service.name);
          return service.release ? [name, `${name}-canary`] : [name];
        })
      : undefined,
  };
  const database = environment.database !== undefined;
  if (network.existing) {
    return {
      existing: {
        name: prefix,
        project: gcp.project,
        region: gcp.region,
        network: network.existing.network,
        subnetwork: network.existing.subnetwork,
        privateServiceAccess: !database ? "none" : network.existing.privateServiceAccess ? "existing" : { cidr: network.privateServiceAccessCidr! },
        ...iap,
      },
    };
  }
  return {
    create: {
      name: prefix,
      region: gcp.region,
      // Present: the environment validation requires it without `existing`.
      subnetCidr: network.subnetCidr!,
      privateServiceAccess: database,
      privateServiceAccessCidr: database ? network.privateServiceAccessCidr : undefined,
      cloudNat: network.nat !== "none",
      flowLogs: network.flowLogs,
      ...iap,
    },
  };
}

/** GCP labels: lower-case keys and values of [a-z0-9_-] (ManagedBy → managed_by). */
function googleLabels(tags: Record<string, string>): Record<string, string> {
  const clean = (text: string) =>
    text
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, "-");
  return Object.fromEntries(Object.entries(tags).map(([key, value]) => [clean(key), clean(value)]));
}
