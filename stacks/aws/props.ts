/**
 * The one place where an environment file becomes AWS construct props: sizes, names, certificate
 * domains, algorithm, health checks, timeouts, backend. Pure (no constructs are created), so each
 * cloud-neutral field's AWS meaning can be read, and tested, here. The stack (./stack.ts) only
 * creates the constructs and wires their references together.
 */
import { S3BackendConfig } from "cdktf";
import { CertificateProps } from "../../constructs/aws/certificate";
import { DatabaseProps } from "../../constructs/aws/database";
import { DnsZoneProps } from "../../constructs/aws/dns-zone";
import { InstanceGroupProps } from "../../constructs/aws/instance-group";
import { LoadBalancedService, LoadBalancerProps, LoadBalancingAlgorithm } from "../../constructs/aws/load-balancer";
import { NetworkProps } from "../../constructs/aws/network";
import { resourcePrefix } from "../../lib/naming";
import { AwsSpec, DEFAULT_LOAD_BALANCER_TIMEOUT_SECONDS, EnvironmentSpec, Size } from "../../environment/schema";
import { certificateDomains, isProduction, localStatePath, stackTags } from "../common";

/** Cloud-neutral sizes → EC2 instance types, unless the aws section overrides them. */
const DEFAULT_INSTANCE_TYPES: Record<Size, string> = { small: "t3.small", medium: "t3.medium", large: "t3.large" };
/** Cloud-neutral sizes → RDS instance classes (Graviton burstable/general purpose). */
const DEFAULT_DATABASE_CLASSES: Record<Size, string> = { small: "db.t4g.small", medium: "db.t4g.medium", large: "db.m6g.large" };

const TARGET_GROUP_ALGORITHM: Record<EnvironmentSpec["loadBalancer"]["algorithm"], LoadBalancingAlgorithm> = {
  "round-robin": "round_robin",
  "least-outstanding-requests": "least_outstanding_requests",
};

/** Props one service's instance group gets from the environment; the stack adds network and target group. */
export type ServiceInstanceGroupProps = Omit<InstanceGroupProps, "vpcId" | "subnetIds" | "targetGroupArn" | "loadBalancerSecurityGroupId">;

export interface AwsStackProps {
  readonly region: string;
  readonly defaultTags: Record<string, string>;
  /** Local state file (relative to the stack directory), or the S3 backend. */
  readonly backend: { readonly local: { readonly path: string } } | { readonly s3: S3BackendConfig; readonly useLockfile: boolean };
  readonly network: NetworkProps;
  readonly dnsZone: DnsZoneProps;
  readonly certificate: Omit<CertificateProps, "zoneId">;
  readonly loadBalancer: Omit<LoadBalancerProps, "vpcId" | "subnetIds" | "certificateArn">;
  readonly services: readonly { readonly name: string; readonly hostnames: readonly string[]; readonly instanceGroup: ServiceInstanceGroupProps }[];
  readonly database: Omit<DatabaseProps, "vpcId" | "subnetIds" | "clientSecurityGroupIds">;
}

export function awsSection(environment: EnvironmentSpec): AwsSpec {
  if (!environment.aws) {
    // The app only builds an AWS stack for a file with an aws: section.
    throw new Error(`${environment.file}: aws: section missing (AwsWebStack needs it)`);
  }
  return environment.aws;
}

export function awsStackProps(environment: EnvironmentSpec, stackId: string): AwsStackProps {
  const aws = awsSection(environment);
  const prefix = resourcePrefix(environment.project, environment.name);
  const production = isProduction(environment);
  const instanceTypes = { ...DEFAULT_INSTANCE_TYPES, ...aws.instanceTypes };
  const db = environment.database;
  return {
    region: aws.region,
    defaultTags: stackTags(environment, stackId),
    backend: awsBackend(environment, aws, stackId),
    network: {
      name: prefix,
      cidr: aws.network.cidr,
      availabilityZones: aws.availabilityZones,
      publicSubnetCidrs: aws.network.subnets?.public,
      privateSubnetCidrs: aws.network.subnets?.private,
      databaseSubnetCidrs: aws.network.subnets?.database,
      natGateways: aws.network.nat,
      flowLogs: aws.network.flowLogs,
    },
    dnsZone: { domainName: environment.domain, existingZoneId: aws.hostedZoneId, preventDestroy: production },
    certificate: certificateDomains(environment),
    loadBalancer: {
      name: prefix,
      idleTimeoutSeconds:
        aws.loadBalancer.idleTimeoutSeconds ?? environment.loadBalancer.idleTimeoutSeconds ?? DEFAULT_LOAD_BALANCER_TIMEOUT_SECONDS,
      algorithm: TARGET_GROUP_ALGORITHM[environment.loadBalancer.algorithm],
      deletionProtection: production,
      services: environment.services.map(
        (service): LoadBalancedService => ({
          name: service.name,
          hostnames: service.hostnames,
          port: service.port,
          healthCheck: {
            path: service.healthCheck.path,
            matcher: service.healthCheck.matcher,
            intervalSeconds: service.healthCheck.intervalSeconds,
            timeoutSeconds: service.healthCheck.timeoutSeconds,
            healthyThreshold: service.healthCheck.healthyThreshold,
            unhealthyThreshold: service.healthCheck.unhealthyThreshold,
          },
        }),
      ),
    },
    services: environment.services.map((service) => ({
      name: service.name,
      hostnames: service.hostnames,
      instanceGroup: {
        name: `${prefix}-${service.name}`,
        instanceType: instanceTypes[service.size],
        port: service.port,
        minSize: service.capacity.min,
        maxSize: service.capacity.max,
        desiredCapacity: service.capacity.desired,
        userData: service.startupScript,
        // Unset: the construct picks Amazon Linux 2023 for the instance type's architecture (x86_64 or Graviton).
        imageId: aws.imageSsmParameter ? `resolve:ssm:${aws.imageSsmParameter}` : undefined,
        healthCheckGracePeriodSeconds: service.startupGraceSeconds,
        cpuTargetPercent: service.cpuTargetPercent,
      },
    })),
    database: {
      name: prefix,
      engine: db.engine,
      engineVersion: db.version,
      instanceClass: { ...DEFAULT_DATABASE_CLASSES, ...aws.databaseInstanceClasses }[db.size],
      databaseName: db.name,
      allocatedStorageGb: db.storageGb,
      maxAllocatedStorageGb: db.maxStorageGb,
      multiAz: db.highAvailability ?? production,
      backupRetentionDays: db.backupRetentionDays,
      deletionProtection: production,
      skipFinalSnapshot: !db.finalSnapshot,
      retainAutomatedBackups: db.finalSnapshot,
    },
  };
}

function awsBackend(environment: EnvironmentSpec, aws: AwsSpec, stackId: string): AwsStackProps["backend"] {
  const backend = aws.backend;
  if (backend.type === "local") return { local: { path: localStatePath(stackId) } };
  return {
    s3: {
      bucket: backend.bucket,
      key: backend.key ?? `${environment.project}/${stackId}.tfstate`,
      region: backend.region ?? aws.region,
      encrypt: true,
      dynamodbTable: backend.dynamodbTable,
    },
    // Without a DynamoDB table, S3's native lockfile (Terraform ≥ 1.10) does the locking.
    useLockfile: !backend.dynamodbTable,
  };
}
