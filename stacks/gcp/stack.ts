/**
 * One environment on Google Cloud: a VPC (created or adopted) with or without Cloud NAT, one
 * regional managed instance group per service behind a global load balancer (HTTPS with
 * Certificate Manager certificates when there is a domain), optional Cloud SQL over private
 * service access, and Cloud DNS (or records at an external provider). Create and wire only: what each
 * construct gets from the environment file is decided in ./props.ts, every resource is made by
 * a construct in constructs/gcp.
 */
import { GcsBackend, LocalBackend, TerraformOutput } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Construct } from "constructs";
import { PolicyAspect } from "../../policy/policy-aspect";
import { CloudSqlDatabase } from "../../constructs/gcp/cloud-sql";
import { GcpCertificate } from "../../constructs/gcp/certificate";
import { CloudDnsZone } from "../../constructs/gcp/dns-zone";
import { GcpHealthCheck } from "../../constructs/gcp/health-check";
import { GcpInstanceGroup } from "../../constructs/gcp/instance-group";
import { GcpLoadBalancer } from "../../constructs/gcp/load-balancer";
import { GcpNetwork } from "../../constructs/gcp/network";
import { IGcpNetwork } from "../../constructs/gcp/network-base";
import { EnvironmentSpec } from "../../environment/schema";
import { attachPolicy, PolicedStack, requireTerraform, databaseEnv, DatabaseConnection, routedHostnames, serviceUrls } from "../common";
import { GcpServiceProps, GcpStackProps, gcpStackProps } from "./props";

export class GcpWebStack extends PolicedStack {
  readonly network: IGcpNetwork;
  readonly loadBalancer: GcpLoadBalancer;
  /** Absent when the environment has no database. */
  readonly database?: CloudSqlDatabase;
  readonly policy: PolicyAspect;
  readonly instanceGroups: Record<string, GcpInstanceGroup> = {};
  /** The canary group of each service with a canary release. */
  readonly canaryInstanceGroups: Record<string, GcpInstanceGroup> = {};

  constructor(scope: Construct, id: string, environment: EnvironmentSpec) {
    super(scope, id);
    const props = gcpStackProps(environment, id);
    this.policy = attachPolicy(this, environment, "gcp");
    requireTerraform(this);

    new GoogleProvider(this, "google", { project: props.project, region: props.region, defaultLabels: props.defaultLabels });
    if ("local" in props.backend) new LocalBackend(this, props.backend.local);
    else new GcsBackend(this, props.backend.gcs);

    this.network =
      "existing" in props.network
        ? GcpNetwork.fromExisting(this, "network", props.network.existing)
        : new GcpNetwork(this, "network", props.network.create);

    // The database comes first: the containers get its address and secret id in their environment.
    const database = props.database && this.addDatabase(props.database);
    const connection: DatabaseConnection | undefined = database && {
      engine: database.engine,
      host: database.privateIpAddress,
      port: String(database.port),
      name: database.databaseName,
      user: database.userName,
      secretId: database.passwordSecretId,
    };
    const healthChecks: Record<string, GcpHealthCheck> = {};
    for (const service of props.services) {
      const healthCheck = (healthChecks[service.name] = new GcpHealthCheck(this, `health-check-${service.name}`, service.healthCheck));
      const addGroup = (id: string, groupProps: GcpServiceProps["instanceGroup"], firewallRuleName: string) => {
        const container = groupProps.container && { ...groupProps.container, env: { ...groupProps.container.env, ...databaseEnv(connection) } };
        const group = new GcpInstanceGroup(this, id, {
          ...groupProps,
          container,
          subnetworkSelfLink: this.network.subnetworkSelfLink,
          healthCheckId: healthCheck.id,
        });
        this.network.allowLoadBalancerHealthChecks(`allow-load-balancer-${id.replace(/^service-/, "")}`, {
          port: group.port,
          targetTag: group.networkTag,
          name: firewallRuleName,
        });
        return group;
      };
      this.instanceGroups[service.name] = addGroup(`service-${service.name}`, service.instanceGroup, service.firewallRuleName);
      if (service.canary) {
        this.canaryInstanceGroups[service.name] = addGroup(`service-${service.name}-canary`, service.canary.instanceGroup, service.canary.firewallRuleName);
      }
    }

    const certificate = props.certificate && new GcpCertificate(this, "certificate", props.certificate);
    this.loadBalancer = new GcpLoadBalancer(this, "load-balancer", {
      ...props.loadBalancer,
      certificateMapId: certificate?.certificateMapId,
      services: props.loadBalancer.services.map((service) => {
        const canaryGroup = this.canaryInstanceGroups[service.name];
        const weight = props.services.find((each) => each.name === service.name)?.canary?.weight;
        return {
          ...service,
          instanceGroup: this.instanceGroups[service.name].instanceGroup,
          portName: this.instanceGroups[service.name].portName,
          healthCheckId: healthChecks[service.name].id,
          canary: canaryGroup && {
            weight: weight!,
            instanceGroup: canaryGroup.instanceGroup,
            portName: canaryGroup.portName,
            healthCheckId: healthChecks[service.name].id,
          },
        };
      }),
    });

    const zone = props.dns && "zone" in props.dns ? new CloudDnsZone(this, "dns", props.dns.zone) : undefined;
    if (zone) {
      for (const hostname of routedHostnames(environment)) zone.addARecord(hostname, this.loadBalancer.ipAddress);
      // Certificate Manager proves control of each domain by a CNAME under it (the type is only a token
      // at synth, but a DNS authorization's record is always a CNAME).
      for (const record of certificate?.dnsAuthorizationRecords ?? []) {
        zone.addRecord(record.name, "CNAME", [record.data], { key: `certificate-${record.domain}` });
      }
    }

    if (database) {
      const clients = [
        ...Object.entries(this.instanceGroups),
        ...Object.entries(this.canaryInstanceGroups).map(([service, group]) => [`${service}-canary`, group] as const),
      ];
      for (const [client, group] of clients) database.grantPasswordRead(client, group.serviceAccountMember);
      this.database = database;
    }

    new TerraformOutput(this, "load_balancer_ip", {
      value: this.loadBalancer.ipAddress,
      description: zone
        ? "Global IP of the HTTPS load balancer (every hostname's A record points at it)"
        : certificate
          ? "Global IP of the HTTPS load balancer: each hostname's A record at your DNS provider points here"
          : "Global IP of the load balancer: the services answer on http://<this address>",
    });
    new TerraformOutput(this, "service_urls", { value: serviceUrls(environment, this.loadBalancer.ipAddress), description: "Public URL of each service" });
    if (zone) this.addZoneOutputs(zone, props, environment);
    if (certificate && !zone) this.addExternalDnsOutput(certificate, environment);
  }

  private addZoneOutputs(zone: CloudDnsZone, props: GcpStackProps, environment: EnvironmentSpec): void {
    new TerraformOutput(this, "dns_zone_name", {
      value: zone.zoneName,
      description: "Cloud DNS managed zone name, e.g. for gcp.parentDnsZone of an environment on a subdomain",
    });
    // A delegated zone's NS records are already in its parent; an adopted zone's are its owner's.
    if (zone.nameServers && props.dns && "mode" in props.dns && props.dns.mode === "create") {
      new TerraformOutput(this, "name_servers", {
        value: zone.nameServers,
        description: `Paste these at the registrar of ${environment.domain} (NS records); the certificates are issued once the DNS authorizations resolve`,
      });
    }
  }

  /** External DNS: what to create at the provider (also printed during the deploy by `npm run dns-records`). */
  private addExternalDnsOutput(certificate: GcpCertificate, environment: EnvironmentSpec): void {
    new TerraformOutput(this, "dns_records", {
      value: [
        ...certificate.dnsAuthorizationRecords.map(({ name, type, data }) => ({ name, type, value: data })),
        ...routedHostnames(environment).map((hostname) => ({ name: hostname, type: "A", value: this.loadBalancer.ipAddress })),
      ],
      description: "Records to create at your DNS provider: Certificate Manager DNS authorizations, then each hostname's A record",
    });
  }

  private addDatabase(props: NonNullable<GcpStackProps["database"]>): CloudSqlDatabase {
    const database = new CloudSqlDatabase(this, "database", {
      ...props,
      networkId: this.network.networkId,
      privateServiceConnection: this.network.privateServicePeering,
    });
    new TerraformOutput(this, "sql_connection_name", {
      value: database.connectionName,
      description: "project:region:instance, for the Cloud SQL Auth Proxy / connectors",
    });
    new TerraformOutput(this, "sql_private_ip", {
      value: database.privateIpAddress,
      description: "Private IP of the database (TLS required), reachable from the VPC only",
    });
    new TerraformOutput(this, "database_password_secret", {
      value: database.passwordSecretId,
      // Output descriptions must be literal strings in Terraform: no references here.
      description: "Secret Manager secret with the generated password of the application's database user; the services' service accounts may read it",
    });
    return database;
  }
}
