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
import { ExistingNetworkProps } from "../../constructs/aws/existing-network";
import { NetworkProps } from "../../constructs/aws/network";
import { defaultS3StateKey, resourcePrefix } from "../../lib/naming";
import { AwsSpec, DEFAULT_LOAD_BALANCER_TIMEOUT_SECONDS, DnsMode, EnvironmentSpec } from "../../environment/schema";
import { effectiveDnsMode } from "../../environment/validate-routing";
import { catchAllService, certificateDomains, containerEnv, isProduction, localStatePath, stackTags } from "../common";
import { canaryInstances } from "../../environment/validate-release";
import { DEFAULT_DATABASE_CLASSES, DEFAULT_INSTANCE_TYPES } from "./sizes";


const TARGET_GROUP_ALGORITHM: Record<EnvironmentSpec["loadBalancer"]["algorithm"], LoadBalancingAlgorithm> = {
  "round-robin": "round_robin",
  "least-outstanding-requests": "least_outstanding_requests",
};

/** Props one service's instance group gets from the environment; the stack adds network and target group. */
export type ServiceInstanceGroupProps = Omit<InstanceGroupProps, "vpcId" | "subnetIds" | "targetGroupArn" | "loadBalancerSecurityGroupId">;

export interface AwsServiceProps {
  readonly name: string;
  readonly instanceGroup: ServiceInstanceGroupProps;
  /** A canary release: a second, fixed-size group running the canary image behind the canary target group. */
  readonly canary?: ServiceInstanceGroupProps;
}

export interface AwsStackProps {
  readonly region: string;
  readonly defaultTags: Record<string, string>;
  /** Local state file (relative to the stack directory), or the S3 backend. */
  readonly backend: { readonly local: { readonly path: string } } | { readonly s3: S3BackendConfig; readonly useLockfile: boolean };
  /** A network created here, or one adopted by id. */
  readonly network: { readonly create: NetworkProps } | { readonly existing: ExistingNetworkProps };
  /** Where the instances live: behind NAT in the private subnets, or in the public ones with public IPs. */
  readonly instanceSubnets: "private" | "public";
  /**
   * The Route 53 zone (created, adopted or created and delegated), or `external` when the records
   * live at another DNS provider. Absent without a domain.
   */
  readonly dns?: { readonly zone: DnsZoneProps; readonly mode: DnsMode } | { readonly external: true };
  /** Absent without a domain: the load balancer serves HTTP only. */
  readonly certificate?: Omit<CertificateProps, "zoneId">;
  readonly loadBalancer: Omit<LoadBalancerProps, "vpcId" | "subnetIds" | "certificateArn">;
  readonly services: readonly AwsServiceProps[];
  /** Absent without a database section: no database, subnets, grants or outputs for it. */
  readonly database?: Omit<DatabaseProps, "vpcId" | "subnetIds">;
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
    network: awsNetwork(environment, aws, prefix),
    instanceSubnets: aws.network.nat === "none" ? "public" : "private",
    dns: awsDns(environment, aws),
    certificate: certificateDomains(environment),
    loadBalancer: {
      name: prefix,
      idleTimeoutSeconds:
        aws.loadBalancer.idleTimeoutSeconds ?? environment.loadBalancer.idleTimeoutSeconds ?? DEFAULT_LOAD_BALANCER_TIMEOUT_SECONDS,
      algorithm: TARGET_GROUP_ALGORITHM[environment.loadBalancer.algorithm],
      deletionProtection: production,
      defaultService: catchAllService(environment),
      services: environment.services.map(
        (service): LoadBalancedService => ({
          name: service.name,
          hostnames: service.hostnames,
          paths: service.paths,
          port: service.port,
          canary: service.release && { weight: service.release.canary.percent },
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
    services: environment.services.map((service) => {
      const instanceGroup: ServiceInstanceGroupProps = {
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
        // Without NAT the instances reach the internet by their own public IPs (ingress still only from the load balancer).
        publicIp: aws.network.nat === "none",
        cpuTargetPercent: service.cpuTargetPercent,
        // The stack adds the database's variables (tokens) to env.
        container: service.image === undefined ? undefined : { image: service.image, env: containerEnv(service, "aws", aws.region), region: aws.region },
      };
      const canary = service.release?.canary;
      return {
        name: service.name,
        instanceGroup,
        canary: canary && {
          ...instanceGroup,
          name: `${prefix}-${service.name}-canary`,
          // A fixed share of the stable minimum: the canary does not autoscale, its weight sets its traffic.
          minSize: canaryInstances(service.capacity.min, canary.percent),
          maxSize: canaryInstances(service.capacity.min, canary.percent),
          desiredCapacity: undefined,
          container: { ...instanceGroup.container!, image: canary.image },
        },
      };
    }),
    database: db && {
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

function awsDns(environment: EnvironmentSpec, aws: AwsSpec): AwsStackProps["dns"] {
  if (environment.domain === undefined) return undefined;
  const mode = effectiveDnsMode(environment);
  if (mode === "external") return { external: true };
  return {
    mode,
    zone: {
      domainName: environment.domain,
      existingZoneId: mode === "existing" ? aws.hostedZoneId : undefined,
      parentZoneId: mode === "delegate" ? aws.parentHostedZoneId : undefined,
      preventDestroy: isProduction(environment),
    },
  };
}

function awsNetwork(environment: EnvironmentSpec, aws: AwsSpec, prefix: string): AwsStackProps["network"] {
  const { network } = aws;
  if (network.existing) {
    const { vpcId, subnetIds } = network.existing;
    return {
      existing: {
        vpcId,
        availabilityZones: aws.availabilityZones,
        publicSubnetIds: subnetIds.public,
        privateSubnetIds: subnetIds.private,
        databaseSubnetIds: subnetIds.database,
      },
    };
  }
  return {
    create: {
      name: prefix,
      // Present: the environment validation requires it without `existing`.
      cidr: network.cidr!,
      availabilityZones: aws.availabilityZones,
      publicSubnetCidrs: network.subnets?.public,
      privateSubnetCidrs: network.subnets?.private,
      databaseSubnetCidrs: network.subnets?.database,
      // One NAT gateway is the cheap choice for development; production survives a zone outage.
      natGateways: network.nat ?? (isProduction(environment) ? "per-az" : "single"),
      databaseSubnets: environment.database !== undefined,
      flowLogs: network.flowLogs,
    },
  };
}

function awsBackend(environment: EnvironmentSpec, aws: AwsSpec, stackId: string): AwsStackProps["backend"] {
  const backend = aws.backend;
  if (backend.type === "local") return { local: { path: localStatePath(stackId) } };
  return {
    s3: {
      bucket: backend.bucket,
      key: backend.key ?? defaultS3StateKey(environment.project, stackId),
      region: backend.region ?? aws.region,
      encrypt: true,
      dynamodbTable: backend.dynamodbTable,
    },
    // Without a DynamoDB table, S3's native lockfile (Terraform ≥ 1.10) does the locking.
    useLockfile: !backend.dynamodbTable,
  };
}
