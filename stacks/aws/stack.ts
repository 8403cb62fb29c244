/**
 * One environment on AWS: a VPC (created or adopted) with or without NAT, an ALB (HTTPS with an
 * ACM certificate when there is a domain), one autoscaling group per service, optional RDS, and
 * Route 53 (or records at an external provider). Create and wire only: what each construct
 * gets from the environment file is decided in ./props.ts, every resource is made by a
 * construct in constructs/aws.
 */
import { LocalBackend, S3Backend, TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { PolicyAspect } from "../../policy/policy-aspect";
import { Certificate } from "../../constructs/aws/certificate";
import { Database } from "../../constructs/aws/database";
import { DnsZone } from "../../constructs/aws/dns-zone";
import { InstanceGroup } from "../../constructs/aws/instance-group";
import { LoadBalancer } from "../../constructs/aws/load-balancer";
import { INetwork } from "../../constructs/aws/existing-network";
import { Network } from "../../constructs/aws/network";
import { EnvironmentSpec } from "../../environment/schema";
import { attachPolicy, PolicedStack, requireTerraform, databaseEnv, DatabaseConnection, routedHostnames, serviceUrls } from "../common";
import { AwsStackProps, awsStackProps, ServiceInstanceGroupProps } from "./props";

export class AwsWebStack extends PolicedStack {
  readonly network: INetwork;
  readonly loadBalancer: LoadBalancer;
  /** Absent when the environment has no database. */
  readonly database?: Database;
  readonly policy: PolicyAspect;
  readonly instanceGroups: Record<string, InstanceGroup> = {};
  /** The canary group of each service with a canary release. */
  readonly canaryInstanceGroups: Record<string, InstanceGroup> = {};

  constructor(scope: Construct, id: string, environment: EnvironmentSpec) {
    super(scope, id);
    const props = awsStackProps(environment, id);
    this.policy = attachPolicy(this, environment, "aws");
    requireTerraform(this);

    new AwsProvider(this, "aws", { region: props.region, defaultTags: [{ tags: props.defaultTags }] });
    this.configureBackend(props.backend);

    this.network =
      "existing" in props.network ? Network.fromExisting(this, "network", props.network.existing) : new Network(this, "network", props.network.create);
    const zone = props.dns && "zone" in props.dns ? new DnsZone(this, "dns", props.dns.zone) : undefined;
    // Without a zone (external DNS) the certificate waits for records the user creates elsewhere.
    const certificate = props.certificate && new Certificate(this, "certificate", { ...props.certificate, zoneId: zone?.zoneId });

    this.loadBalancer = new LoadBalancer(this, "load-balancer", {
      ...props.loadBalancer,
      vpcId: this.network.vpcId,
      subnetIds: this.network.publicSubnetIds,
      certificateArn: certificate?.certificateArn,
    });

    // The database comes first: the containers get its address and secret id in their environment.
    const database = props.database && this.addDatabase(props.database);
    const connection: DatabaseConnection | undefined = database && {
      engine: database.engine,
      host: database.address,
      port: String(database.port),
      name: database.databaseName,
      user: database.masterUsername,
      secretId: database.secretArn,
    };
    const subnetIds = props.instanceSubnets === "public" ? this.network.publicSubnetIds : this.network.privateSubnetIds;
    const addGroup = (id: string, groupProps: ServiceInstanceGroupProps, targetGroupArn: string) => {
      const container = groupProps.container && { ...groupProps.container, env: { ...groupProps.container.env, ...databaseEnv(connection) } };
      const group = new InstanceGroup(this, id, { ...groupProps, container, vpcId: this.network.vpcId, subnetIds, targetGroupArn });
      group.allowFrom(this.loadBalancer);
      return group;
    };
    for (const service of props.services) {
      this.instanceGroups[service.name] = addGroup(`service-${service.name}`, service.instanceGroup, this.loadBalancer.targetGroupArns[service.name]);
    }
    for (const service of props.services) {
      if (!service.canary) continue;
      const canaryTargetGroupArn = this.loadBalancer.canaryTargetGroupArns[service.name];
      this.canaryInstanceGroups[service.name] = addGroup(`service-${service.name}-canary`, service.canary, canaryTargetGroupArn);
    }
    if (database) {
      // In service order, canaries last: the order numbers the database's client rules.
      const clients = [
        ...Object.entries(this.instanceGroups),
        ...Object.entries(this.canaryInstanceGroups).map(([service, group]) => [`${service}-canary`, group] as const),
      ];
      for (const [client, group] of clients) {
        database.allowFrom(group);
        database.grantSecretRead(client, group.instanceRoleName);
      }
      this.database = database;
    }

    for (const hostname of zone ? routedHostnames(environment) : []) {
      zone!.addAliasRecord(hostname, { dnsName: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId });
    }

    new TerraformOutput(this, "load_balancer_dns_name", {
      value: this.loadBalancer.dnsName,
      description: zone
        ? "ALB DNS name (the Route 53 aliases already point at it)"
        : certificate
          ? "ALB DNS name: each hostname's CNAME (ALIAS/ANAME at the apex) at your DNS provider points here"
          : "ALB DNS name: the services answer on http://<this name>",
    });
    new TerraformOutput(this, "service_urls", {
      value: serviceUrls(environment, this.loadBalancer.dnsName),
      description: "Public URL of each service",
    });
    if (zone) this.addZoneOutputs(zone, props, environment);
    if (certificate && !zone) this.addExternalDnsOutput(certificate, environment);
  }

  private addZoneOutputs(zone: DnsZone, props: AwsStackProps, environment: EnvironmentSpec): void {
    new TerraformOutput(this, "dns_zone_id", {
      value: zone.zoneId,
      description: "Route 53 zone id, e.g. for aws.parentHostedZoneId of an environment on a subdomain",
    });
    // A delegated zone's NS records are already in its parent; an adopted zone's are its owner's.
    if (zone.nameServers && props.dns && "mode" in props.dns && props.dns.mode === "create") {
      new TerraformOutput(this, "name_servers", {
        value: zone.nameServers,
        description: `Paste these at the registrar of ${environment.domain} (NS records) so the certificate can validate`,
      });
    }
  }

  /** External DNS: what to create at the provider (also printed during the deploy by `npm run dns-records`). */
  private addExternalDnsOutput(certificate: Certificate, environment: EnvironmentSpec): void {
    const hostnames = routedHostnames(environment).map((hostname) => ({
      name: hostname,
      type: hostname === environment.domain ? "ALIAS" : "CNAME",
      value: this.loadBalancer.dnsName,
    }));
    new TerraformOutput(this, "dns_records", {
      value: [...certificate.validationRecords.map(({ name, type, value }) => ({ name, type, value })), ...hostnames],
      description: "Records to create at your DNS provider: certificate validation, then each hostname to the load balancer (ALIAS/ANAME at the apex)",
    });
  }

  private addDatabase(props: NonNullable<AwsStackProps["database"]>): Database {
    const database = new Database(this, "database", {
      ...props,
      vpcId: this.network.vpcId,
      subnetIds: this.network.databaseSubnetIds,
    });
    new TerraformOutput(this, "database_endpoint", {
      value: database.endpoint,
      description: "host:port of the database (reachable only from the services' security groups)",
    });
    new TerraformOutput(this, "database_secret_arn", {
      value: database.secretArn,
      description: "Secrets Manager secret with the master credentials (managed and rotated by RDS); the services' instance roles may read it",
    });
    return database;
  }

  private configureBackend(backend: AwsStackProps["backend"]): void {
    if ("local" in backend) {
      new LocalBackend(this, backend.local);
      return;
    }
    new S3Backend(this, backend.s3);
    // cdktf 0.21's S3Backend predates S3-native locking (Terraform ≥ 1.10); set it directly.
    if (backend.useLockfile) this.addOverride("terraform.backend.s3.use_lockfile", true);
  }
}
