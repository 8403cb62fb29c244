/**
 * One environment on Google Cloud: custom VPC with Cloud NAT, one regional managed instance
 * group per service behind a global HTTPS load balancer with a Google-managed certificate,
 * Cloud SQL over private service access, and Cloud DNS. Create and wire only: what each
 * construct gets from the environment file is decided in ./props.ts, every resource is made by
 * a construct in constructs/gcp.
 */
import { GcsBackend, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Construct } from "constructs";
import { PolicyAspect } from "../../policy/policy-aspect";
import { CloudSqlDatabase } from "../../constructs/gcp/cloud-sql";
import { CloudDnsZone } from "../../constructs/gcp/dns-zone";
import { GcpHealthCheck } from "../../constructs/gcp/health-check";
import { GcpInstanceGroup } from "../../constructs/gcp/instance-group";
import { GcpLoadBalancer } from "../../constructs/gcp/load-balancer";
import { GcpNetwork } from "../../constructs/gcp/network";
import { EnvironmentSpec } from "../../environment/schema";
import { attachPolicy, serviceUrls } from "../common";
import { gcpStackProps } from "./props";

export class GcpWebStack extends TerraformStack {
  readonly network: GcpNetwork;
  readonly loadBalancer: GcpLoadBalancer;
  readonly database: CloudSqlDatabase;
  /** The policy pack's findings for this stack, available after synthesis. */
  readonly policy: PolicyAspect;
  readonly instanceGroups: Record<string, GcpInstanceGroup> = {};

  constructor(scope: Construct, id: string, environment: EnvironmentSpec) {
    super(scope, id);
    const props = gcpStackProps(environment, id);
    this.policy = attachPolicy(this, environment, "gcp");

    new GoogleProvider(this, "google", { project: props.project, region: props.region, defaultLabels: props.defaultLabels });
    if ("local" in props.backend) new LocalBackend(this, props.backend.local);
    else new GcsBackend(this, props.backend.gcs);

    this.network = new GcpNetwork(this, "network", props.network);

    const healthChecks: Record<string, GcpHealthCheck> = {};
    for (const service of props.services) {
      const healthCheck = (healthChecks[service.name] = new GcpHealthCheck(this, `health-check-${service.name}`, service.healthCheck));
      const group = new GcpInstanceGroup(this, `service-${service.name}`, {
        ...service.instanceGroup,
        subnetworkSelfLink: this.network.subnetworkSelfLink,
        healthCheckId: healthCheck.id,
      });
      this.network.allowLoadBalancerHealthChecks(`allow-load-balancer-${service.name}`, {
        port: group.port,
        targetTag: group.networkTag,
        name: service.firewallRuleName,
      });
      this.instanceGroups[service.name] = group;
    }

    this.loadBalancer = new GcpLoadBalancer(this, "load-balancer", {
      ...props.loadBalancer,
      services: props.loadBalancer.services.map((service) => ({
        ...service,
        instanceGroup: this.instanceGroups[service.name].instanceGroup,
        portName: this.instanceGroups[service.name].portName,
        healthCheckId: healthChecks[service.name].id,
      })),
    });

    const zone = new CloudDnsZone(this, "dns", props.dnsZone);
    for (const hostname of props.services.flatMap((service) => service.hostnames)) {
      zone.addARecord(hostname, this.loadBalancer.ipAddress);
    }

    this.database = new CloudSqlDatabase(this, "database", {
      ...props.database,
      networkId: this.network.networkId,
      privateServiceConnection: this.network.privateServiceConnection,
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
}
