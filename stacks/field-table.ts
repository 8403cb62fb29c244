/**
 * What each cloud-neutral field of the environment file becomes on each cloud: the table in the
 * README's configuration reference. Written next to the mappings (stacks/<cloud>/props.ts) it
 * describes; test/repo/field-table.test.ts fails when a schema field has no row or the README's
 * copy is stale (`npm run docs` rewrites it).
 *
 *   npm run docs            # rewrite the table in README.md
 */
import * as fs from "fs";
import { cloudNeutralFields } from "../environment/fields";

interface FieldOnClouds {
  readonly aws: string;
  readonly gcp: string;
}

const REFUSED = "refused by name (synth fails)";

/** Keyed like `services[].healthCheck.path`. */
export const FIELD_TABLE: Record<string, FieldOnClouds> = {
  project: { aws: "prefix of every name (`<project>-<env>-…`), `Project` tag", gcp: "prefix of every name, `project` label" },
  stage: {
    aws: "production: ALB/RDS deletion protection, Multi-AZ default, zone `prevent_destroy`",
    gcp: "production: Cloud SQL deletion protection (Terraform + API), REGIONAL default, zone `prevent_destroy`",
  },
  domain: {
    aws: "Route 53 zone, ACM certificate, HTTPS listener; unset: HTTP only on the ALB's DNS name",
    gcp: "Cloud DNS zone (DNSSEC on), Certificate Manager, HTTPS proxy; unset: HTTP only on the LB's IP",
  },
  "dns.mode": {
    aws: "create / adopt (`aws.hostedZoneId`) / delegate from `aws.parentHostedZoneId` (NS record) / external: no zone, `dns_records` output",
    gcp: "create / adopt (`gcp.dnsZoneName`) / delegate from `gcp.parentDnsZone` (NS record set) / external: no zone, `dns_records` output",
  },
  "certificate.wildcard": { aws: "ACM certificate for `<domain>` + `*.<domain>`", gcp: "Certificate Manager certificates for `<domain>` and `*.<domain>` (DNS authorization)" },
  "loadBalancer.idleTimeoutSeconds": {
    aws: "deprecated: ALB `idle_timeout` unless `aws.loadBalancer.idleTimeoutSeconds` is set",
    gcp: "deprecated: backend service `timeout_sec` unless `gcp.loadBalancer.requestTimeoutSeconds` is set",
  },
  "loadBalancer.algorithm": { aws: "target group `load_balancing_algorithm_type`", gcp: "backend service `locality_lb_policy` (ROUND_ROBIN / LEAST_REQUEST)" },
  "services[].name": { aws: "target group, ASG, launch template, security group and role names", gcp: "MIG, template, health check, backend service, firewall rule and service account names" },
  "services[].hostnames": {
    aws: "listener rule host conditions (wildcards after exact hosts), alias records, certificate names",
    gcp: "URL map host rules (wildcards after exact hosts), A records, certificate map entries",
  },
  "services[].paths": { aws: "listener rule path-pattern conditions", gcp: "URL map path rules" },
  "services[].port": { aws: "target group port, instance security group ingress", gcp: "named port, health check port, firewall rule port" },
  "services[].healthCheck.path": { aws: "target group `health_check.path`", gcp: "health check `request_path`" },
  "services[].healthCheck.intervalSeconds": { aws: "`health_check.interval`", gcp: "`check_interval_sec`" },
  "services[].healthCheck.timeoutSeconds": { aws: "`health_check.timeout`", gcp: "`timeout_sec`" },
  "services[].healthCheck.healthyThreshold": { aws: "`health_check.healthy_threshold`", gcp: "`healthy_threshold`" },
  "services[].healthCheck.unhealthyThreshold": { aws: "`health_check.unhealthy_threshold`", gcp: "`unhealthy_threshold`" },
  "services[].healthCheck.matcher": { aws: "`health_check.matcher`", gcp: `${REFUSED} unless \`200\`: GCP health checks accept only 200` },
  "services[].size": { aws: "instance type (`aws.instanceTypes`)", gcp: "machine type (`gcp.machineTypes`)" },
  "services[].capacity.min": { aws: "ASG `min_size`", gcp: "autoscaler `min_replicas`" },
  "services[].capacity.max": { aws: "ASG `max_size`", gcp: "autoscaler `max_replicas`" },
  "services[].capacity.desired": { aws: "ASG `desired_capacity`", gcp: `${REFUSED}: the autoscaler owns the group's size` },
  "services[].cpuTargetPercent": { aws: "target-tracking policy on average CPU", gcp: "autoscaler `cpu_utilization.target`" },
  "services[].startupGraceSeconds": { aws: "ASG `health_check_grace_period`", gcp: "auto-healing `initial_delay_sec`" },
  "services[].image": {
    aws: "ECS-optimized AL2023 instances running it (boot script in user data), log group, ECR pull rights if in ECR",
    gcp: "Container-Optimized OS instances running it (boot script in metadata), Artifact Registry reader if there",
  },
  "services[].env": { aws: "the container's env file (with PORT, CLOUD_*, DATABASE_* set by the stack)", gcp: "the container's env file (same variables)" },
  "services[].release.strategy": { aws: "`canary`: a second target group and instance group", gcp: "`canary`: a second backend service and instance group" },
  "services[].release.canary.image": { aws: "the canary instance group's image", gcp: "the canary instance group's image" },
  "services[].release.canary.percent": { aws: "listener rules' weighted forward (canary weight)", gcp: "URL map weighted backend services (canary weight)" },
  "services[].startupScript": { aws: "launch template user data (base64)", gcp: "`startup-script` metadata (escaped for Terraform)" },
  "database.engine": { aws: "RDS engine, parameter group family", gcp: "Cloud SQL `database_version`" },
  "database.version": { aws: "RDS `engine_version`, parameter group family", gcp: "Cloud SQL `database_version`, edition" },
  "database.size": { aws: "RDS instance class (`aws.databaseInstanceClasses`)", gcp: "Cloud SQL tier (`gcp.databaseTiers`)" },
  "database.storageGb": { aws: "`allocated_storage` (gp3)", gcp: "`disk_size`" },
  "database.maxStorageGb": { aws: "`max_allocated_storage`", gcp: "`disk_autoresize_limit`" },
  "database.highAvailability": { aws: "`multi_az`", gcp: "`availability_type` REGIONAL" },
  "database.backupRetentionDays": { aws: "`backup_retention_period`", gcp: "retained backups (point-in-time log retention below it)" },
  "database.finalSnapshot": { aws: "final snapshot + retained automated backups on delete", gcp: "`retain_backups_on_delete`" },
  "database.name": { aws: "`db_name`", gcp: "`google_sql_database`" },
};

/** `services[0].port` → `services[].port`. */
export function tableKey(field: string): string {
  return field.replace(/\[0\]/g, "[]");
}

export const TABLE_START = "<!-- field-table:start (generated by npm run docs) -->";
export const TABLE_END = "<!-- field-table:end -->";

export function renderFieldTable(): string {
  const rows = cloudNeutralFields().map((field) => {
    const entry = FIELD_TABLE[tableKey(field)];
    if (!entry) throw new Error(`stacks/field-table.ts: no row for ${tableKey(field)}`);
    return `| \`${tableKey(field)}\` | ${entry.aws} | ${entry.gcp} |`;
  });
  return [TABLE_START, "| field | on AWS | on GCP |", "|---|---|---|", ...rows, TABLE_END].join("\n");
}

/** The README with its field table replaced by the current one. */
export function embedFieldTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md: add the markers ${TABLE_START} … ${TABLE_END} where the table goes`);
  return readme.slice(0, start) + renderFieldTable() + readme.slice(end + TABLE_END.length);
}

if (require.main === module) {
  const file = process.argv[2] ?? "README.md";
  fs.writeFileSync(file, embedFieldTable(fs.readFileSync(file, "utf8")));
  process.stdout.write(`updated ${file} (field table, ${cloudNeutralFields().length} fields)\n`);
}
