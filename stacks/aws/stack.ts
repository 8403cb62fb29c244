/**
 * One environment on AWS: VPC with NAT, an HTTPS ALB with an ACM certificate, one
 * autoscaling group per service, RDS, and Route 53. Create and wire only: what each construct
 * gets from the environment file is decided in ./props.ts, every resource is made by a
 * construct in constructs/aws.
 */
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { PolicyAspect } from "../../policy/policy-aspect";
import { Certificate } from "../../constructs/aws/certificate";
import { Database } from "../../constructs/aws/database";
import { DnsZone } from "../../constructs/aws/dns-zone";
import { InstanceGroup } from "../../constructs/aws/instance-group";
import { LoadBalancer } from "../../constructs/aws/load-balancer";
import { Network } from "../../constructs/aws/network";
import { EnvironmentSpec } from "../../environment/schema";
import { attachPolicy, serviceUrls } from "../common";
import { AwsStackProps, awsStackProps } from "./props";

export class AwsWebStack extends TerraformStack {
  readonly network: Network;
  readonly loadBalancer: LoadBalancer;
  readonly database: Database;
  /** The policy pack's findings for this stack, available after synthesis. */
  readonly policy: PolicyAspect;
  readonly instanceGroups: Record<string, InstanceGroup> = {};

  constructor(scope: Construct, id: string, environment: EnvironmentSpec) {
    super(scope, id);
    const props = awsStackProps(environment, id);
    this.policy = attachPolicy(this, environment, "aws");

    new AwsProvider(this, "aws", { region: props.region, defaultTags: [{ tags: props.defaultTags }] });
    this.configureBackend(props.backend);

    this.network = new Network(this, "network", props.network);
    const zone = new DnsZone(this, "dns", props.dnsZone);
    const certificate = new Certificate(this, "certificate", { ...props.certificate, zoneId: zone.zoneId });

    this.loadBalancer = new LoadBalancer(this, "load-balancer", {
      ...props.loadBalancer,
      vpcId: this.network.vpcId,
      subnetIds: this.network.publicSubnetIds,
      certificateArn: certificate.certificateArn,
    });

    for (const service of props.services) {
      const group = new InstanceGroup(this, `service-${service.name}`, {
        ...service.instanceGroup,
        vpcId: this.network.vpcId,
        subnetIds: this.network.privateSubnetIds,
        targetGroupArn: this.loadBalancer.targetGroupArns[service.name],
      });
      group.allowFrom(this.loadBalancer);
      this.instanceGroups[service.name] = group;
      for (const hostname of service.hostnames) {
        zone.addAliasRecord(hostname, { dnsName: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId });
      }
    }

    this.database = new Database(this, "database", {
      ...props.database,
      vpcId: this.network.vpcId,
      subnetIds: this.network.databaseSubnetIds,
    });
    // In service order: the order numbers the database's client rules.
    for (const [service, group] of Object.entries(this.instanceGroups)) {
      this.database.allowFrom(group);
      this.database.grantSecretRead(service, group.instanceRoleName);
    }

    new TerraformOutput(this, "load_balancer_dns_name", {
      value: this.loadBalancer.dnsName,
      description: "ALB DNS name (the Route 53 aliases already point at it)",
    });
    new TerraformOutput(this, "service_urls", {
      value: serviceUrls(environment),
      description: "Public URL of each service",
    });
    if (zone.nameServers) {
      new TerraformOutput(this, "name_servers", {
        value: zone.nameServers,
        description: `Paste these at the registrar of ${environment.domain} (NS records) so the certificate can validate`,
      });
    }
    new TerraformOutput(this, "database_endpoint", {
      value: this.database.endpoint,
      description: "host:port of the database (reachable only from the services' security groups)",
    });
    new TerraformOutput(this, "database_secret_arn", {
      value: this.database.secretArn,
      description: "Secrets Manager secret with the master credentials (managed and rotated by RDS); the services' instance roles may read it",
    });
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
