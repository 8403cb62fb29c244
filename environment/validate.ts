/**
 * Checks that relate several fields of an environment file, run after the schema accepted its
 * shape. Each problem names the field path and says what is allowed, so the user can fix the
 * file without reading code.
 */
import { Ipv4Block, contains, isRfc1918, overlaps, parseIpv4Cidr } from "../lib/cidr";
import { describeSupportedVersions, supportedMajorVersion } from "../lib/database-versions";
import { ELB_NAME_MAX as AWS_LB_NAME_MAX } from "../constructs/aws/limits";
import { awsCanaryTargetGroupName, awsTargetGroupName, resourcePrefix } from "../lib/naming";
import { LARGEST_CARVABLE_VPC_PREFIX, SUBNET_TIERS, SubnetTier } from "../lib/subnet-layout";
import { checkParity } from "./parity";
import { checkAccepted } from "./validate-accepted";
import { checkRelease } from "./validate-release";
import { checkDns, checkRouting } from "./validate-routing";
import { AwsSpec, EnvironmentFile, GcpSpec } from "./schema";

export interface Problem {
  /** Dotted field path, e.g. `aws.network.subnets.private[1]`. */
  readonly path: string;
  readonly message: string;
}

/**
 * Environment names end up in every resource name. With project ≤ 12 and service ≤ 20
 * characters (schema), the longest GCP name the stacks build, `<project>-<env>-<service>-allow-lb`,
 * stays within 63 characters, so only AWS's 32-character load balancer names need checking below.
 */
export const ENVIRONMENT_NAME_PATTERN = /^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/;

export function validateEnvironment(environment: string, spec: EnvironmentFile): Problem[] {
  const problems: Problem[] = [];
  const report = (path: string, message: string) => problems.push({ path, message });

  if (!ENVIRONMENT_NAME_PATTERN.test(environment)) {
    report("(file name)", `environment name "${environment}" must match ${ENVIRONMENT_NAME_PATTERN} (rename the file, e.g. prod.yaml)`);
  }
  // Each check group runs on its own: when the schema already rejected part of a file, the
  // other groups still report, and a group that trips over a malformed section stays silent
  // (the schema has reported that section).
  const groups: ((spec: EnvironmentFile, report: Report) => void)[] = [
    checkServices,
    checkDatabase,
    (s, r) => s.aws && checkAws(s.aws, s, r),
    (s, r) => s.gcp && checkGcp(s.gcp, s, r),
    (s, r) => checkNameLengths(environment, s, r),
    checkRouting,
    checkDns,
    checkRelease,
    checkParity,
    checkAccepted,
  ];
  for (const group of groups) {
    try {
      group(spec, report);
    } catch {
      // malformed input, already reported by the schema
    }
  }
  return problems;
}

type Report = (path: string, message: string) => void;

function checkServices(spec: EnvironmentFile, report: Report): void {
  const serviceByName = new Map<string, number>();
  spec.services.forEach((service, index) => {
    const at = `services[${index}]`;
    if (serviceByName.has(service.name)) {
      report(`${at}.name`, `"${service.name}" is already used by services[${serviceByName.get(service.name)}] (service names must be unique)`);
    }
    serviceByName.set(service.name, index);

    const { path, timeoutSeconds, intervalSeconds } = service.healthCheck;
    if (!path.startsWith("/")) {
      report(`${at}.healthCheck.path`, `"${path}" must start with "/" (e.g. /health)`);
    }
    if (timeoutSeconds >= intervalSeconds) {
      report(`${at}.healthCheck.timeoutSeconds`, `${timeoutSeconds} must be less than intervalSeconds (${intervalSeconds})`);
    }

    const { min, max, desired } = service.capacity;
    if (min > max) {
      report(`${at}.capacity.min`, `min (${min}) is greater than max (${max}) (min ≤ desired ≤ max)`);
    } else if (desired !== undefined && (desired < min || desired > max)) {
      report(`${at}.capacity.desired`, `${desired} is outside [min, max] = [${min}, ${max}]`);
    }
  });
}

function checkDatabase(spec: EnvironmentFile, report: Report): void {
  if (!spec.database) return;
  const { engine, version, storageGb, maxStorageGb } = spec.database;
  if (!supportedMajorVersion(engine, version)) {
    report("database.version", `${engine} ${version} is not supported (${describeSupportedVersions(engine)})`);
  }
  // RDS storage autoscaling wants the ceiling at least 10% above the allocated size (constructs/aws/database.ts).
  const lowest = spec.aws ? Math.ceil((storageGb * 11) / 10) : storageGb;
  if (maxStorageGb < lowest) {
    report(
      "database.maxStorageGb",
      spec.aws
        ? `${maxStorageGb} is too close to storageGb (${storageGb}) (AWS needs the autoscaling ceiling at least 10% above the initial size: ${lowest} or more)`
        : `${maxStorageGb} is below storageGb (${storageGb}) (the autoscaling ceiling must be ≥ the initial size)`,
    );
  }
}

function checkAws(aws: AwsSpec, spec: EnvironmentFile, report: Report): void {
  const zones = aws.availabilityZones;
  checkZones("aws.availabilityZones", zones, aws.region, new RegExp(`^${aws.region}[a-z]$`), `${aws.region}a`, report);
  const { network } = aws;
  const tiersUsed = usedSubnetTiers(network.nat, spec.database !== undefined);
  if (network.existing) return checkExistingAwsNetwork(aws, tiersUsed, report);
  if (network.cidr === undefined) return report("aws.network.cidr", "is required (the VPC's CIDR, e.g. 10.20.0.0/16; or give aws.network.existing)");

  const vpc = checkNetworkCidr("aws.network.cidr", network.cidr, report);
  const explicit = network.subnets ?? {};
  const placed: { field: string; block: Ipv4Block }[] = [];
  for (const tier of SUBNET_TIERS) {
    const cidrs = explicit[tier];
    if (!tiersUsed.includes(tier)) {
      if (cidrs !== undefined) report(`aws.network.subnets.${tier}`, `no ${tier} subnets are created ${UNUSED_TIER_REASON[tier]} (remove it)`);
      continue;
    }
    if (cidrs === undefined) {
      if (vpc && vpc.prefix > LARGEST_CARVABLE_VPC_PREFIX) {
        report(
          `aws.network.subnets.${tier}`,
          `${vpc.text} is too small to carve ${tier} subnets automatically (use a /${LARGEST_CARVABLE_VPC_PREFIX} or larger VPC, or list the subnets)`,
        );
      }
      continue;
    }
    if (cidrs.length !== zones.length) {
      report(`aws.network.subnets.${tier}`, `lists ${cidrs.length} subnets for ${zones.length} availability zones (give exactly one per zone)`);
    }
    cidrs.forEach((text, index) => {
      const field = `aws.network.subnets.${tier}[${index}]`;
      const block = parseIpv4Cidr(text);
      if ("error" in block) return report(field, block.error);
      if (block.prefix > 28 || block.prefix < 16) report(field, `${text}: AWS subnets must be between /16 and /28`);
      if (vpc && !contains(vpc, block)) report(field, `${text} is outside the VPC ${vpc.text}`);
      const clash = placed.find((other) => overlaps(other.block, block));
      if (clash) report(field, `${text} overlaps ${clash.field} (${clash.block.text})`);
      placed.push({ field, block });
    });
  }
}

/** Subnet tiers the AWS layout needs: instances go private behind NAT, or public without NAT. */
function usedSubnetTiers(nat: AwsSpec["network"]["nat"], database: boolean): SubnetTier[] {
  return ["public", ...(nat === "none" ? [] : ["private" as const]), ...(database ? ["database" as const] : [])];
}
const UNUSED_TIER_REASON: Record<SubnetTier, string> = {
  public: "",
  private: "with nat: none (the instances live in the public subnets)",
  database: "without a database section",
};

function checkExistingAwsNetwork(aws: AwsSpec, tiersUsed: SubnetTier[], report: Report): void {
  const { network } = aws;
  if (network.cidr !== undefined) report("aws.network.cidr", "is not used with aws.network.existing (the VPC is not created here; remove it)");
  if (network.subnets !== undefined) report("aws.network.subnets", "is not used with aws.network.existing (list the subnet ids under existing.subnetIds)");
  if (network.flowLogs) report("aws.network.flowLogs", "is not used with aws.network.existing (an existing VPC's flow logs are its owner's; remove it)");
  if (network.nat === "single" || network.nat === "per-az") {
    report("aws.network.nat", `${network.nat} would create NAT gateways in a VPC this stack does not own (leave nat out: egress is the private subnets' routes; or none)`);
  }
  for (const tier of SUBNET_TIERS) {
    const ids = network.existing!.subnetIds[tier];
    const field = `aws.network.existing.subnetIds.${tier}`;
    if (!tiersUsed.includes(tier)) {
      if (ids !== undefined) report(field, `no ${tier} subnets are used ${UNUSED_TIER_REASON[tier]} (remove it)`);
    } else if (ids === undefined) {
      report(field, `is required: one ${tier} subnet id per availability zone`);
    } else if (ids.length !== aws.availabilityZones.length) {
      report(field, `lists ${ids.length} subnets for ${aws.availabilityZones.length} availability zones (give exactly one per zone, in their order)`);
    }
  }
}

function checkGcp(gcp: GcpSpec, spec: EnvironmentFile, report: Report): void {
  checkZones("gcp.zones", gcp.zones, gcp.region, new RegExp(`^${gcp.region}-[a-z]$`), `${gcp.region}-b`, report);
  const { network } = gcp;
  const field = "gcp.network.privateServiceAccessCidr";
  const reuses = network.existing?.privateServiceAccess === true;
  if (network.existing) {
    if (network.subnetCidr !== undefined) report("gcp.network.subnetCidr", "is not used with gcp.network.existing (the subnetwork is not created here; remove it)");
    if (network.flowLogs) report("gcp.network.flowLogs", "is not used with gcp.network.existing (an existing subnetwork's flow logs are its owner's; remove it)");
    if (network.nat === "cloud-nat") {
      report("gcp.network.nat", "cloud-nat would create a Cloud Router and NAT in a network this stack does not own (leave nat out: egress is the network's; or none)");
    }
  } else if (network.subnetCidr === undefined) {
    report("gcp.network.subnetCidr", "is required (the subnetwork's CIDR, e.g. 10.40.0.0/20; or give gcp.network.existing)");
  }
  const subnet = network.subnetCidr === undefined || network.existing ? undefined : checkNetworkCidr("gcp.network.subnetCidr", network.subnetCidr, report);
  if (!spec.database || reuses) {
    const why = spec.database ? "gcp.network.existing.privateServiceAccess reuses the network's connection" : "there is no database";
    if (network.privateServiceAccessCidr !== undefined) report(field, `is not used: ${why} (remove it)`);
    if (!spec.database && reuses) report("gcp.network.existing.privateServiceAccess", "is not used: there is no database (remove it)");
    return;
  }
  if (network.privateServiceAccessCidr === undefined) return report(field, "is required with a database (a /16–/24 range for Cloud SQL's private IPs)");
  const reserved = checkNetworkCidr(field, network.privateServiceAccessCidr, report, {
    largestPrefix: 24,
    what: "the private service access range",
  });
  if (subnet && reserved && overlaps(subnet, reserved)) report(field, `${reserved.text} overlaps gcp.network.subnetCidr (${subnet.text})`);
}

function checkZones(field: string, zones: string[], region: string, pattern: RegExp, example: string, report: Report): void {
  const seen = new Set<string>();
  zones.forEach((zone, index) => {
    if (!pattern.test(zone)) report(`${field}[${index}]`, `${zone} is not a zone of ${region} (e.g. ${example})`);
    if (seen.has(zone)) report(`${field}[${index}]`, `${zone} is listed twice`);
    seen.add(zone);
  });
}

/** A network CIDR: valid, private (RFC 1918) and between /16 and /28 (or the given smallest size). */
export function checkNetworkCidr(
  field: string,
  text: string,
  report: Report,
  { largestPrefix = 28, what = "the network mask" }: { largestPrefix?: number; what?: string } = {},
): Ipv4Block | undefined {
  const block = parseIpv4Cidr(text);
  if ("error" in block) {
    report(field, block.error);
    return undefined;
  }
  if (!isRfc1918(block)) {
    report(field, `${text} is not a private range (use 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, RFC 1918)`);
  }
  if (block.prefix < 16 || block.prefix > largestPrefix) {
    report(field, `${text}: ${what} must be between /16 and /${largestPrefix}`);
  }
  return block;
}

function checkNameLengths(environment: string, spec: EnvironmentFile, report: Report): void {
  if (!spec.aws) return;
  const prefix = resourcePrefix(spec.project, environment);
  if (prefix.length > AWS_LB_NAME_MAX) {
    report("project", `load balancer name "${prefix}" is ${prefix.length} characters (AWS allows ${AWS_LB_NAME_MAX}; shorten project or the file name)`);
  }
  spec.services.forEach((service, index) => {
    // A canary's target group carries a "c" before the port: one character more.
    const name = service.release
      ? awsCanaryTargetGroupName(prefix, service.name, service.port)
      : awsTargetGroupName(prefix, service.name, service.port);
    if (name.length > AWS_LB_NAME_MAX) {
      report(
        `services[${index}].name`,
        `target group name "${name}" is ${name.length} characters (AWS allows ${AWS_LB_NAME_MAX}; shorten the service name, project or environment)`,
      );
    }
  });
}
