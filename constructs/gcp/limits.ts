/**
 * Google Cloud limits that both the constructs (props validation) and the environment-file
 * validation enforce. One home, so the two can never disagree. Sources checked 2026-12-01:
 * - Resource names (RFC 1035): https://cloud.google.com/compute/docs/naming-resources
 * - Health checks: https://cloud.google.com/load-balancing/docs/health-check-concepts
 *   ("HTTP 200 (OK) response" is the only success; no matcher).
 * - Cloud SQL storage and backups: https://cloud.google.com/sql/docs/quotas
 */
import { IntegerRange } from "../../lib/range";

/** Compute Engine / Cloud DNS / Cloud SQL resource names: a letter, then a-z, 0-9 or "-", not ending in "-". */
export const GCP_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const GCP_NAME_MAX = 63;

/**
 * Project ids: 6 to 30 lower-case letters, digits or "-", starting with a letter, not ending in "-"
 * (https://cloud.google.com/resource-manager/docs/creating-managing-projects#before_you_begin).
 */
export const GCP_PROJECT_ID = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;

/** Global HTTP health checks. */
export const GCP_HEALTH_CHECK = {
  intervalSeconds: { min: 1, max: 300 },
  timeoutSeconds: { min: 1, max: 300 },
  healthyThreshold: { min: 1, max: 10 },
  unhealthyThreshold: { min: 1, max: 10 },
  pathMaxLength: 1024,
} as const satisfies Record<string, IntegerRange | number>;
/** The only status a GCP HTTP health check counts as healthy. */
export const GCP_HEALTHY_STATUS = "200";

/** Backend service `timeout_sec` of the global external Application Load Balancer. */
export const BACKEND_SERVICE_TIMEOUT_SECONDS: IntegerRange = { min: 1, max: 86400 };

/** One Compute Engine metadata value (https://cloud.google.com/compute/docs/metadata/setting-custom-metadata#limitations, checked 2026-12-01). */
export const GCE_METADATA_VALUE_MAX_BYTES = 262144;

/** Cloud SQL data disk (SSD). */
export const CLOUD_SQL_DISK_GB: IntegerRange = { min: 10, max: 65536 };
/** Compute Engine boot disks. */
export const GCE_DISK_GB: IntegerRange = { min: 10, max: 65536 };

/**
 * A hostname the load balancer routes or a certificate covers: a DNS name of at least two labels,
 * optionally behind one leading "*." label. URL map host rules accept "*" only as the first
 * character (https://cloud.google.com/compute/docs/reference/rest/v1/urlMaps, hostRules[].hosts),
 * Certificate Manager only as a whole leading label ("*.example.com").
 */
export const GCP_HOSTNAME = /^(\*\.)?(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * URL map path rules: "/" then URL characters, optionally ending in "/*" (a prefix); "*" is
 * allowed only there, and "?"/"#" never (urlMaps pathMatchers[].pathRules[].paths).
 */
export const GCP_ROUTED_PATH = /^\/[A-Za-z0-9._~!$&'()+,;=:@%/-]*(\/\*)?$/;
export const GCP_ROUTED_PATH_MAX = 1024;

/**
 * Hostnames one GcpCertificate manages (each gets a certificate and a map entry). A project bound
 * well inside Certificate Manager's default per-project quotas
 * (https://cloud.google.com/certificate-manager/docs/quotas), not a Google limit.
 */
export const CERTIFICATE_MANAGER_HOSTNAMES_MAX = 100;
