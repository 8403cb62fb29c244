/**
 * One environment on AWS: VPC with NAT, an HTTPS ALB with an ACM certificate, one
 * autoscaling group per service, RDS, and Route 53 — composed from the environment spec.
 * Composition only: every resource is made by a construct in constructs/aws.
 */
import { S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { PolicyAspect } from "../policy/policy-aspect";
import { Certificate } from "../constructs/aws/certificate";
import { Database } from "../constructs/aws/database";
import { DnsZone } from "../constructs/aws/dns-zone";
import { InstanceGroup } from "../constructs/aws/instance-group";
import { LoadBalancer } from "../constructs/aws/load-balancer";
import { Network } from "../constructs/aws/network";
import { resourcePrefix } from "../lib/naming";
import { AwsSpec, EnvironmentSpec, Size } from "../environment/schema";
import { attachPolicy, certificateDomains, isProduction, localStateBackend, serviceUrls, stackTags } from "./common";

/** Cloud-neutral sizes → EC2 instance types, unless the aws section overrides them. */
const DEFAULT_INSTANCE_TYPES: Record<Size, string> = { small: "t3.small", medium: "t3.medium", large: "t3.large" };
/** Cloud-neutral sizes → RDS instance classes (Graviton burstable/general purpose). */
const DEFAULT_DATABASE_CLASSES: Record<Size, string> = { small: "db.t4g.small", medium: "db.t4g.medium", large: "db.m6g.large" };

export class AwsWebStack extends TerraformStack {
  readonly network: Network;
  readonly loadBalancer: LoadBalancer;
  readonly database: Database;
  /** The policy pack's findings for this stack, available after synthesis. */
  readonly policy: PolicyAspect;
  readonly instanceGroups: Record<string, InstanceGroup> = {};

  constructor(scope: Construct, id: string, environment: EnvironmentSpec) {
    super(scope, id);
    const aws = requireAwsSection(environment);
    const prefix = resourcePrefix(environment.project, environment.name);
    const production = isProduction(environment);
    this.policy = attachPolicy(this, environment, "aws");

    new AwsProvider(this, "aws", {
      region: aws.region,
      defaultTags: [{ tags: stackTags(environment, id) }],
    });
    this.configureBackend(id, environment, aws);

    this.network = new Network(this, "network", {
      name: prefix,
      cidr: aws.network.cidr,
      availabilityZones: aws.availabilityZones,
      publicSubnetCidrs: aws.network.subnets?.public,
      privateSubnetCidrs: aws.network.subnets?.private,
      databaseSubnetCidrs: aws.network.subnets?.database,
      natGateways: aws.network.nat,
      flowLogs: aws.network.flowLogs,
    });

    const zone = new DnsZone(this, "dns", {
      domainName: environment.domain,
      existingZoneId: aws.hostedZoneId,
      preventDestroy: production,
    });
    const certificate = new Certificate(this, "certificate", { ...certificateDomains(environment), zoneId: zone.zoneId });

    this.loadBalancer = new LoadBalancer(this, "load-balancer", {
      name: prefix,
      vpcId: this.network.vpcId,
      subnetIds: this.network.publicSubnetIds,
      certificateArn: certificate.certificateArn,
      idleTimeoutSeconds: environment.loadBalancer.idleTimeoutSeconds,
      algorithm: environment.loadBalancer.algorithm,
      deletionProtection: production,
      services: environment.services.map((service) => ({
        name: service.name,
        hostnames: service.hostnames,
        port: service.port,
        healthCheck: service.healthCheck,
      })),
    });

    const instanceTypes = { ...DEFAULT_INSTANCE_TYPES, ...aws.instanceTypes };
    for (const service of environment.services) {
      this.instanceGroups[service.name] = new InstanceGroup(this, `service-${service.name}`, {
        name: `${prefix}-${service.name}`,
        vpcId: this.network.vpcId,
        subnetIds: this.network.privateSubnetIds,
        instanceType: instanceTypes[service.size],
        port: service.port,
        targetGroupArn: this.loadBalancer.targetGroupArns[service.name],
        loadBalancerSecurityGroupId: this.loadBalancer.securityGroupId,
        minSize: service.capacity.min,
        maxSize: service.capacity.max,
        desiredCapacity: service.capacity.desired,
        userData: service.startupScript,
        // Unset: the construct picks Amazon Linux 2023 for the instance type's architecture (x86_64 or Graviton).
        imageId: aws.imageSsmParameter ? `resolve:ssm:${aws.imageSsmParameter}` : undefined,
        healthCheckGracePeriodSeconds: service.startupGraceSeconds,
        cpuTargetPercent: service.cpuTargetPercent,
      });
      for (const hostname of service.hostnames) {
        zone.addAliasRecord(hostname, { dnsName: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId });
      }
    }

    const db = environment.database;
    this.database = new Database(this, "database", {
      name: prefix,
      engine: db.engine,
      engineVersion: db.version,
      instanceClass: { ...DEFAULT_DATABASE_CLASSES, ...aws.databaseInstanceClasses }[db.size],
      vpcId: this.network.vpcId,
      subnetIds: this.network.databaseSubnetIds,
      clientSecurityGroupIds: Object.values(this.instanceGroups).map((group) => group.securityGroupId),
      databaseName: db.name,
      allocatedStorageGb: db.storageGb,
      maxAllocatedStorageGb: db.maxStorageGb,
      multiAz: db.highAvailability ?? production,
      backupRetentionDays: db.backupRetentionDays,
      deletionProtection: production,
      skipFinalSnapshot: !db.finalSnapshot,
      retainAutomatedBackups: db.finalSnapshot,
    });
    for (const [service, group] of Object.entries(this.instanceGroups)) {
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

  private configureBackend(id: string, environment: EnvironmentSpec, aws: AwsSpec): void {
    const backend = aws.backend;
    if (backend.type === "local") {
      localStateBackend(this, id);
      return;
    }
    new S3Backend(this, {
      bucket: backend.bucket,
      key: backend.key ?? `${environment.project}/${id}.tfstate`,
      region: backend.region ?? aws.region,
      encrypt: true,
      dynamodbTable: backend.dynamodbTable,
    });
    if (!backend.dynamodbTable) {
      // cdktf 0.21's S3Backend predates S3-native locking (Terraform ≥ 1.10); set it directly.
      this.addOverride("terraform.backend.s3.use_lockfile", true);
    }
  }
}

function requireAwsSection(environment: EnvironmentSpec): AwsSpec {
  if (!environment.aws) {
    throw new Error(`${environment.file}: aws: section missing (AwsWebStack needs it)`);
  }
  return environment.aws;
}
