/**
 * The environment file schema: one cloud-neutral application spec plus one section per cloud.
 * This is the single place where the shape of `config/<env>.yaml` is defined; the README's
 * configuration reference documents the same fields.
 *
 * Shape checks (types, ranges, enums, unknown fields) live here; checks that relate several
 * fields (subnets inside the VPC, hostnames inside the domain, …) live in `validate.ts`.
 */
import { z } from "zod";
import { ALB_IDLE_TIMEOUT_SECONDS, ALB_PATH_CHARACTERS, ALB_RULE, RDS_STORAGE_GB, TARGET_GROUP_HEALTH_CHECK } from "../constructs/aws/limits";
import { BACKEND_SERVICE_TIMEOUT_SECONDS, CLOUD_SQL_DISK_GB, GCP_HEALTH_CHECK, GCP_HEALTHY_STATUS, GCP_PROJECT_ID } from "../constructs/gcp/limits";
import { IntegerRange, intersect } from "../lib/range";

const hostnamePattern = /^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const hostname = z
  .string()
  .regex(hostnamePattern, "must be a lower-case DNS name such as api.example.com");
const namePattern = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
const resourceName = (what: string, max: number) =>
  z
    .string()
    .max(max, `${what} must be at most ${max} characters`)
    .regex(namePattern, `${what} must start with a letter and use only a-z, 0-9 and '-' (not at the end)`);
const port = z.number().int().min(1, "must be a port between 1 and 65535").max(65535, "must be a port between 1 and 65535");
const cidr = z.string().describe("IPv4 CIDR, e.g. 10.20.0.0/16");

/** Cloud-neutral machine sizes; each cloud section maps them to its own machine types. */
export const SIZES = ["small", "medium", "large"] as const;
export type Size = (typeof SIZES)[number];
const sizeMap = z.strictObject({ small: z.string().optional(), medium: z.string().optional(), large: z.string().optional() });

/** An integer both clouds accept for the same setting (the intersection of their ranges). */
const integerOnBothClouds = (aws: IntegerRange, gcp: IntegerRange) => {
  const range = intersect(aws, gcp);
  return z.number().int().min(range.min).max(range.max);
};

const healthCheck = z.strictObject({
  /** HTTP path probed on the service port; must answer 2xx/3xx without authentication. */
  path: z.string(),
  intervalSeconds: integerOnBothClouds(TARGET_GROUP_HEALTH_CHECK.intervalSeconds, GCP_HEALTH_CHECK.intervalSeconds).default(15),
  timeoutSeconds: integerOnBothClouds(TARGET_GROUP_HEALTH_CHECK.timeoutSeconds, GCP_HEALTH_CHECK.timeoutSeconds).default(5),
  healthyThreshold: integerOnBothClouds(TARGET_GROUP_HEALTH_CHECK.healthyThreshold, GCP_HEALTH_CHECK.healthyThreshold).default(2),
  unhealthyThreshold: integerOnBothClouds(TARGET_GROUP_HEALTH_CHECK.unhealthyThreshold, GCP_HEALTH_CHECK.unhealthyThreshold).default(3),
  /**
   * HTTP codes counted as healthy (AWS matcher syntax, e.g. "200" or "200-399"). "200" on both
   * clouds by default: GCP health checks accept only 200, so anything else is AWS-only.
   */
  matcher: z.string().regex(/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, "must be HTTP codes like 200 or 200-399").default(GCP_HEALTHY_STATUS),
});

/**
 * A path the load balancer routes: exact ("/health") or a prefix ("/api/*"). GCP URL maps allow no
 * other wildcard; ALB path patterns limit the length and characters.
 */
const routedPath = z
  .string()
  .max(ALB_RULE.valueLength, `must be at most ${ALB_RULE.valueLength} characters`)
  .refine((path) => ALB_PATH_CHARACTERS.test(path.replace(/\/\*$/, "/")), {
    message: `must start with "/" and be exact (/health) or a prefix ending in /* (/api/*), with A-Z, a-z, 0-9 and _ - . $ / ~ " ' @ : + &`,
  });

/** `registry/repository[:tag][@sha256:digest]`, lower-case repository path as OCI requires. */
const containerImage = z
  .string()
  .max(512, "must be at most 512 characters")
  .regex(
    /^([a-z0-9.-]+(:[0-9]+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
    "must be a container image such as ghcr.io/org/app:1.4.2 or …@sha256:<64 hex>",
  );

const service = z.strictObject({
  name: resourceName("a service name", 20),
  /**
   * Host headers routed to this service, inside `domain`; `*.<domain>` is a catch-all after the
   * exact hostnames. A service with neither hostnames nor paths takes every request no other
   * service matches (at most one such service).
   */
  hostnames: z.array(hostname).min(1, "list at least one hostname, or leave hostnames out").optional(),
  /** Paths routed to this service (on its hostnames, or on every host when it has none). */
  paths: z.array(routedPath).min(1, "list at least one path, or leave paths out").optional(),
  port,
  healthCheck,
  size: z.enum(SIZES).default("small"),
  capacity: z.strictObject({
    min: z.number().int().min(0),
    max: z.number().int().min(1),
    desired: z.number().int().min(0).optional(),
  }),
  /** Average CPU % the autoscaler aims for. */
  cpuTargetPercent: z.number().int().min(10).max(95).default(60),
  /** Seconds after boot before failed health checks count (application start-up time). */
  startupGraceSeconds: z.number().int().min(0).max(3600).default(300),
  /**
   * Container image the instances run, `registry/repository:tag` or `…@sha256:<digest>`: restarted
   * always, the service port published, logs to the cloud's log service. Changing it rolls the
   * group with zero downtime (new instances pass the health check before old ones go).
   */
  image: containerImage.optional(),
  /** Plain environment variables for the container (never secrets: the database password is read from the secret store). */
  env: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name (letters, digits, _)"),
      z.string().regex(/^[^\r\n]*$/, "must be one line (the container's env file has one variable per line)"),
    )
    .optional(),
  /** A canary release of `image`: `{strategy: canary, canary: {image, percent}}`; promote or drop it by editing the file. */
  release: z
    .strictObject({
      strategy: z.literal("canary"),
      canary: z.strictObject({
        image: containerImage,
        /** Share of the service's requests the canary serves until the file promotes or drops it. */
        percent: z.number().int().min(1, "must be 1 to 50 (a canary is the smaller share)").max(50, "must be 1 to 50 (a canary is the smaller share)"),
      }),
    })
    .optional(),
  /** Shell script run at boot (cloud-init user data / GCE startup-script), for services without `image`. */
  startupScript: z.string().optional(),
});

export const DATABASE_ENGINES = ["mysql", "postgres"] as const;
export type DatabaseEngine = (typeof DATABASE_ENGINES)[number];

const database = z.strictObject({
  engine: z.enum(DATABASE_ENGINES),
  /** Major (or major.minor) version, e.g. "8.0" for MySQL or "16" for PostgreSQL. */
  version: z.union([z.string(), z.number()]).transform(String),
  size: z.enum(SIZES).default("small"),
  storageGb: z.number().int().min(20).max(16384).default(20),
  /** Ceiling for automatic storage growth. */
  maxStorageGb: integerOnBothClouds(RDS_STORAGE_GB, CLOUD_SQL_DISK_GB).default(100),
  /** Standby in a second zone (AWS Multi-AZ, Cloud SQL REGIONAL). Defaults to true in production. */
  highAvailability: z.boolean().optional(),
  backupRetentionDays: z.number().int().min(7, "must be at least 7 days").max(35).default(7),
  /**
   * When the database is deleted, keep a final snapshot (AWS) and the automated backups (both
   * clouds). Deliberately independent of `stage`: turning production into development to retire
   * it must not drop its last backup. Set false for throwaway environments.
   */
  finalSnapshot: z.boolean().default(true),
  /** Name of the application database created in the instance. */
  name: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "must start with a letter and use a-z, 0-9, _").default("app"),
});

/**
 * The load balancer's timeout when the environment file sets none. The clouds time out different
 * things (AWS: a connection idle that long; GCP: a request or websocket lasting that long), so
 * each is set in its cloud's section: `aws.loadBalancer.idleTimeoutSeconds`,
 * `gcp.loadBalancer.requestTimeoutSeconds`.
 */
export const DEFAULT_LOAD_BALANCER_TIMEOUT_SECONDS = 60;

const loadBalancer = z
  .strictObject({
    /**
     * @deprecated One number meant the idle timeout on AWS but the request timeout on GCP: use
     * `aws.loadBalancer.idleTimeoutSeconds` and `gcp.loadBalancer.requestTimeoutSeconds`. Still
     * honoured (for both) where those are unset, with a notice.
     */
    idleTimeoutSeconds: z.number().int().min(ALB_IDLE_TIMEOUT_SECONDS.min).max(ALB_IDLE_TIMEOUT_SECONDS.max).optional(),
    algorithm: z.enum(["round-robin", "least-outstanding-requests"]).default("round-robin"),
  })
  .default({ algorithm: "round-robin" });

const certificate = z
  .strictObject({
    /** Cover `*.<domain>` and `<domain>` instead of listing each hostname (ACM on AWS, Certificate Manager on GCP). */
    wildcard: z.boolean().default(false),
  })
  .default({ wildcard: false });

export const DNS_MODES = ["create", "existing", "delegate", "external"] as const;
export type DnsMode = (typeof DNS_MODES)[number];

const dns = z
  .strictObject({
    /**
     * `create` the zone for `domain`; use an `existing` one (aws.hostedZoneId / gcp.dnsZoneName);
     * create it and `delegate` it from the parent domain's zone (aws.parentHostedZoneId /
     * gcp.parentDnsZone); or `external`: no zone, the records are created at another DNS provider
     * (`npm run dns-records` lists them while the deploy waits for certificate validation).
     * @default `existing` when a zone id/name is given, else `create`
     */
    mode: z.enum(DNS_MODES).optional(),
    /** External DNS only: the provider supports ALIAS/ANAME records, so the apex (`domain` itself) may be routed. */
    apexAlias: z.boolean().default(false),
  })
  .default({ apexAlias: false });

const s3Backend = z.strictObject({
  type: z.literal("s3"),
  bucket: z.string().min(3),
  /** @default "<project>/<stack id>.tfstate" */
  key: z.string().optional(),
  /** @default the stack's region */
  region: z.string().optional(),
  /** DynamoDB table for locking; without it, S3's native lockfile is used. */
  dynamodbTable: z.string().optional(),
});
const localBackend = z.strictObject({ type: z.literal("local") });
const subnetId = z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id such as subnet-0123456789abcdef0");

const awsSection = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as eu-west-1"),
  availabilityZones: z.array(z.string()).min(2, "list at least two availability zones"),
  network: z.strictObject({
    /** The VPC's CIDR; required unless `existing` is given. */
    cidr: cidr.optional(),
    /**
     * Use a VPC and subnets a network team owns, by id (no lookups): nothing of the network is
     * created or changed (no NAT, routes, flow logs or default security group takeover).
     */
    existing: z
      .strictObject({
        vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id such as vpc-0123456789abcdef0"),
        /** One subnet id per availability zone and tier, in the order of availabilityZones. */
        subnetIds: z.strictObject({
          public: z.array(subnetId),
          private: z.array(subnetId).optional(),
          database: z.array(subnetId).optional(),
        }),
      })
      .optional(),
    /** Explicit subnet CIDRs, one per availability zone and tier; carved from `cidr` when omitted. */
    subnets: z
      .strictObject({ public: z.array(cidr).optional(), private: z.array(cidr).optional(), database: z.array(cidr).optional() })
      .optional(),
    /**
     * `single` (one NAT gateway, cheaper), `per-az` (one per zone, survives a zone outage) or `none`
     * (no NAT: instances in the public subnets with public IPs, admitting only the load balancer).
     * @default `single` in development, `per-az` in production
     */
    nat: z.enum(["single", "per-az", "none"]).optional(),
    flowLogs: z.boolean().default(false),
  }),
  loadBalancer: z
    .strictObject({
      /** Seconds a connection may stay silent before the ALB closes it (an active websocket lives on); @default 60 */
      idleTimeoutSeconds: z.number().int().min(ALB_IDLE_TIMEOUT_SECONDS.min).max(ALB_IDLE_TIMEOUT_SECONDS.max).optional(),
    })
    .default({}),
  /** Instance types for each cloud-neutral size. */
  instanceTypes: sizeMap.optional(),
  /** RDS instance classes for each cloud-neutral size. */
  databaseInstanceClasses: sizeMap.optional(),
  /** The Route 53 zone to use (`dns.mode: existing`; also implies it when `dns.mode` is unset). */
  hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,32}$/, "must be a Route 53 zone id such as Z0123456789ABC").optional(),
  /** The Route 53 zone of the parent domain, in this account, that delegates `domain` (`dns.mode: delegate`). */
  parentHostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,32}$/, "must be a Route 53 zone id such as Z0123456789ABC").optional(),
  /** SSM parameter of the instance image, resolved by EC2 at launch; @default Amazon Linux 2023 for the instance type's architecture. */
  imageSsmParameter: z.string().startsWith("/", "must be an SSM parameter path").optional(),
  backend: z.discriminatedUnion("type", [localBackend, s3Backend]).default({ type: "local" }),
});

const gcpName = (what: string) => z.string().max(63, `${what} is at most 63 characters`).regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, `${what} must be a-z, 0-9 and '-', starting with a letter`);

const gcsBackend = z.strictObject({
  type: z.literal("gcs"),
  bucket: z.string().min(3),
  /** @default "<project>/<stack id>" */
  prefix: z.string().optional(),
});

const gcpSection = z.strictObject({
  /** Google Cloud project id the stack deploys into. */
  project: z.string().regex(GCP_PROJECT_ID, "must be a Google Cloud project id (6–30 chars, a-z, 0-9, -)"),
  region: z.string().regex(/^[a-z]+-[a-z]+\d+$/, "must be a Google Cloud region such as europe-west1"),
  /** Zones of the region the managed instance groups spread over. */
  zones: z.array(z.string()).min(1, "list at least one zone"),
  network: z.strictObject({
    /** The regional subnet the instances live in; required unless `existing` is given. */
    subnetCidr: cidr.optional(),
    /** Range reserved for Google's service network (Cloud SQL private IP); /16–/24. Required with a database, unless `existing` reuses a connection. */
    privateServiceAccessCidr: cidr.optional(),
    /**
     * Use a network and subnetwork another team owns, by name (no lookups): nothing of the network is
     * created or changed except the firewall rules the services need.
     */
    existing: z
      .strictObject({
        network: gcpName("the network name"),
        subnetwork: gcpName("the subnetwork name"),
        /** The network already has a private services access connection (Cloud SQL private IP): reuse it. */
        privateServiceAccess: z.boolean().default(false),
      })
      .optional(),
    /**
     * `cloud-nat` (instances without external IPs, egress through Cloud NAT) or `none` (instances
     * with external IPs, admitting only the load balancer and health checks; no Cloud NAT).
     * @default `cloud-nat` for a network created here; none is created in an existing network (its
     * egress is its owner's), where `none` still gives the instances external IPs
     */
    nat: z.enum(["cloud-nat", "none"]).optional(),
    flowLogs: z.boolean().default(false),
    /** Admit SSH from Identity-Aware Proxy (35.235.240.0/20) only; nothing else can reach port 22. */
    iapSsh: z.boolean().default(false),
  }),
  loadBalancer: z
    .strictObject({
      /** Seconds a request, or a whole websocket connection, may last (the backend service timeout); @default 60 */
      requestTimeoutSeconds: z
        .number()
        .int()
        .min(BACKEND_SERVICE_TIMEOUT_SECONDS.min)
        .max(BACKEND_SERVICE_TIMEOUT_SECONDS.max)
        .optional(),
    })
    .default({}),
  /** Machine types for each cloud-neutral size. */
  machineTypes: sizeMap.optional(),
  /** Cloud SQL tiers for each cloud-neutral size. */
  databaseTiers: sizeMap.optional(),
  /**
   * Version of the generated database password (write-only, never in state): raise it to rotate the
   * password (README, "Database password (GCP)"). AWS needs none: RDS rotates its managed secret.
   * @default 1
   */
  databasePasswordVersion: z.number().int().min(1).optional(),
  /** Boot image (family) for the instances; @default Container-Optimized OS for services with an image, else debian-cloud/debian-12. */
  image: z.string().optional(),
  /** The Cloud DNS managed zone to use, by resource name (`dns.mode: existing`; also implies it when `dns.mode` is unset). */
  dnsZoneName: gcpName("a managed zone name").optional(),
  /** The managed zone of the parent domain that delegates `domain` (`dns.mode: delegate`); any project the deployer can write. */
  parentDnsZone: z
    .strictObject({
      name: gcpName("a managed zone name"),
      /** @default gcp.project */
      project: z.string().regex(GCP_PROJECT_ID, "must be a Google Cloud project id (6–30 chars, a-z, 0-9, -)").optional(),
    })
    .optional(),
  backend: z.discriminatedUnion("type", [localBackend, gcsBackend]).default({ type: "local" }),
});

const reason = z.string().trim().min(10, "write down why (at least 10 characters); it is printed in every report");

const policy = z
  .strictObject({
    /** Accepted findings of the synth-time policy pack, one rule on one resource each. */
    suppressions: z
      .array(
        z.strictObject({
          /** Rule id from the policy report, e.g. AWS-EC2-IMDSV2. */
          rule: z.string().min(1),
          /** Construct path relative to the stack, as printed in the report, e.g. load-balancer/alb. */
          resource: z.string().min(1),
          /** The cloud whose stack it applies to; @default both stacks of the environment. */
          cloud: z.enum(["aws", "gcp"]).optional(),
          reason,
        }),
      )
      .default([]),
  })
  .default({ suppressions: [] });

const dataProtection = z
  .strictObject({
    /** Stateful resources `npm run guard` may see deleted or replaced (Terraform addresses). */
    allowDestroy: z.array(z.strictObject({ resource: z.string().min(1), reason })).default([]),
  })
  .default({ allowDestroy: [] });

export const environmentSchema = z.strictObject({
  /** Prefix of every resource name. */
  project: resourceName("project", 12),
  /** `production` turns on deletion protection, high availability and final snapshots. */
  stage: z.enum(["production", "development"]),
  /** The DNS zone every hostname lives in. Without it the load balancer serves plain HTTP on its own address. */
  domain: hostname.optional(),
  dns,
  certificate,
  loadBalancer,
  services: z.array(service).min(1, "list at least one service"),
  /** The managed database; leave it out when the database lives elsewhere (nothing database-related is created). */
  database: database.optional(),
  policy,
  dataProtection,
  aws: awsSection.optional(),
  gcp: gcpSection.optional(),
});

export type EnvironmentFile = z.infer<typeof environmentSchema>;
export type ServiceSpec = EnvironmentFile["services"][number];
export type DatabaseSpec = EnvironmentFile["database"];
export type AwsSpec = NonNullable<EnvironmentFile["aws"]>;
export type GcpSpec = NonNullable<EnvironmentFile["gcp"]>;

/** A validated environment: the file's content plus where it came from. */
export interface EnvironmentSpec extends EnvironmentFile {
  /** Environment name, from the file name (`config/prod.yaml` → `prod`). */
  readonly name: string;
  /** Path of the file, as shown in error messages. */
  readonly file: string;
  /** Deprecated fields still honoured, one line each (`<field>: <notice>`), printed at synth. */
  readonly notices: readonly string[];
}

export const CLOUDS = ["aws", "gcp"] as const;
export type Cloud = (typeof CLOUDS)[number];
