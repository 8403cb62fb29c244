/**
 * One environment on Google Cloud: custom VPC with Cloud NAT, one regional managed instance
 * group per service behind a global HTTPS load balancer with a Google-managed certificate,
 * Cloud SQL over private service access, and Cloud DNS — composed from the environment spec.
 * Composition only: every resource is made by a construct in constructs/gcp.
 */
import { GcsBackend, TerraformOutput, TerraformStack } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Construct } from "constructs";
import { PolicyAspect } from "../policy/policy-aspect";
import { CloudSqlDatabase } from "../constructs/gcp/cloud-sql";
import { CloudDnsZone } from "../constructs/gcp/dns-zone";
import { GcpHealthCheck } from "../constructs/gcp/health-check";
import { GcpInstanceGroup } from "../constructs/gcp/instance-group";
import { GcpLoadBalancer, LocalityPolicy } from "../constructs/gcp/load-balancer";
import { GcpNetwork } from "../constructs/gcp/network";
import { resourcePrefix, serviceResourceName } from "../lib/naming";
import { EnvironmentSpec, GcpSpec, Size } from "../environment/schema";
import { attachPolicy, isProduction, localStateBackend, serviceUrls, stackTags } from "./common";

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

export class GcpWebStack extends TerraformStack {
  readonly network: GcpNetwork;
  readonly loadBalancer: GcpLoadBalancer;
  readonly database: CloudSqlDatabase;
  /** The policy pack's findings for this stack, available after synthesis. */
  readonly policy: PolicyAspect;
  readonly instanceGroups: Record<string, GcpInstanceGroup> = {};

  constructor(scope: Construct, id: string, environment: EnvironmentSpec) {
    super(scope, id);
    const gcp = requireGcpSection(environment);
    const prefix = resourcePrefix(environment.project, environment.name);
    const production = isProduction(environment);
    this.policy = attachPolicy(this, environment, "gcp");

    new GoogleProvider(this, "google", {
      project: gcp.project,
      region: gcp.region,
      defaultLabels: googleLabels(stackTags(environment, id)),
    });
    this.configureBackend(id, environment, gcp);

    this.network = new GcpNetwork(this, "network", {
      name: prefix,
      region: gcp.region,
      subnetCidr: gcp.network.subnetCidr,
      privateServiceAccessCidr: gcp.network.privateServiceAccessCidr,
      flowLogs: gcp.network.flowLogs,
      iapSsh: gcp.network.iapSsh,
      iapSshTargetTags: gcp.network.iapSsh ? environment.services.map((service) => serviceResourceName(prefix, service.name)) : undefined,
    });

    const machineTypes = { ...DEFAULT_MACHINE_TYPES, ...gcp.machineTypes };
    const healthChecks: Record<string, GcpHealthCheck> = {};
    for (const service of environment.services) {
      const name = serviceResourceName(prefix, service.name);
      const check = service.healthCheck;
      const healthCheck = (healthChecks[service.name] = new GcpHealthCheck(this, `health-check-${service.name}`, {
        name: `${name}-hc`,
        port: service.port,
        requestPath: check.path,
        checkIntervalSeconds: check.intervalSeconds,
        timeoutSeconds: check.timeoutSeconds,
        healthyThreshold: check.healthyThreshold,
        unhealthyThreshold: check.unhealthyThreshold,
      }));
      const group = new GcpInstanceGroup(this, `service-${service.name}`, {
        name,
        project: gcp.project,
        region: gcp.region,
        zones: gcp.zones,
        subnetworkSelfLink: this.network.subnetworkSelfLink,
        machineType: machineTypes[service.size],
        image: gcp.image,
        startupScript: service.startupScript,
        port: service.port,
        healthCheckId: healthCheck.id,
        initialDelaySeconds: service.startupGraceSeconds,
        minReplicas: service.capacity.min,
        maxReplicas: service.capacity.max,
        cpuTarget: service.cpuTargetPercent / 100,
      });
      this.network.allowLoadBalancerHealthChecks(`allow-load-balancer-${service.name}`, {
        port: service.port,
        targetTag: group.networkTag,
        name: `${name}-allow-lb`,
      });
      this.instanceGroups[service.name] = group;
    }

    this.loadBalancer = new GcpLoadBalancer(this, "load-balancer", {
      name: prefix,
      // Websockets (STOMP) live as long as the backend timeout allows: use the spec's idle timeout.
      timeoutSeconds: environment.loadBalancer.idleTimeoutSeconds,
      localityPolicy: LOCALITY_POLICY[environment.loadBalancer.algorithm],
      services: environment.services.map((service) => ({
        name: service.name,
        hostnames: service.hostnames,
        instanceGroup: this.instanceGroups[service.name].instanceGroup,
        portName: this.instanceGroups[service.name].portName,
        healthCheckId: healthChecks[service.name].id,
      })),
    });

    const zone = new CloudDnsZone(this, "dns", {
      name: prefix,
      domainName: environment.domain,
      existingZoneName: gcp.dnsZoneName,
      preventDestroy: production,
    });
    for (const hostname of environment.services.flatMap((service) => service.hostnames)) {
      zone.addARecord(hostname, this.loadBalancer.ipAddress);
    }

    const db = environment.database;
    this.database = new CloudSqlDatabase(this, "database", {
      name: prefix,
      project: gcp.project,
      region: gcp.region,
      engine: db.engine,
      engineVersion: db.version,
      tier: { ...DEFAULT_DATABASE_TIERS, ...gcp.databaseTiers }[db.size],
      networkId: this.network.networkId,
      privateServiceConnection: this.network.privateServiceConnection,
      diskSizeGb: db.storageGb,
      diskAutoresizeLimitGb: db.maxStorageGb,
      highAvailability: db.highAvailability ?? production,
      deletionProtection: production,
      backupRetentionDays: db.backupRetentionDays,
      databaseName: db.name,
      retainBackupsOnDelete: db.finalSnapshot,
    });
    for (const [service, group] of Object.entries(this.instanceGroups)) {
      this.database.grantPasswordRead(service, group.serviceAccountMember);
    }

    new TerraformOutput(this, "load_balancer_ip", {
      value: this.loadBalancer.ipAddress,
      description: "Global IP of the HTTPS load balancer (every hostname's A record points at it)",
    });
    new TerraformOutput(this, "service_urls", { value: serviceUrls(environment), description: "Public URL of each service" });
    if (zone.nameServers) {
      new TerraformOutput(this, "name_servers", {
        value: zone.nameServers,
        description: `Paste these at the registrar of ${environment.domain} (NS records); the managed certificate provisions only after delegation`,
      });
    }
    new TerraformOutput(this, "sql_connection_name", {
      value: this.database.connectionName,
      description: "project:region:instance, for the Cloud SQL Auth Proxy / connectors",
    });
    new TerraformOutput(this, "sql_private_ip", {
      value: this.database.privateIpAddress,
      description: "Private IP of the database (TLS required), reachable from the VPC only",
    });
    new TerraformOutput(this, "database_password_secret", {
      value: this.database.passwordSecretId,
      // Output descriptions must be literal strings in Terraform: no references here.
      description: "Secret Manager secret with the generated password of the application's database user; the services' service accounts may read it",
    });
  }

  private configureBackend(id: string, environment: EnvironmentSpec, gcp: GcpSpec): void {
    if (gcp.backend.type === "local") {
      localStateBackend(this, id);
      return;
    }
    // GCS locks state natively; nothing else to configure.
    new GcsBackend(this, { bucket: gcp.backend.bucket, prefix: gcp.backend.prefix ?? `${environment.project}/${id}` });
  }
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

function requireGcpSection(environment: EnvironmentSpec): GcpSpec {
  if (!environment.gcp) {
    throw new Error(`${environment.file}: gcp: section missing (GcpWebStack needs it)`);
  }
  return environment.gcp;
}
