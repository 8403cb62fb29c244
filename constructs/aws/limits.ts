/**
 * AWS limits that both the constructs (props validation) and the environment-file validation
 * enforce. One home, so the two can never disagree. Sources checked 2026-12-01:
 * - ELB: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 *   and the CreateLoadBalancer/CreateTargetGroup API references (names, idle timeout, health checks).
 * - RDS: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html (identifiers, gp3 storage).
 */
import { IntegerRange } from "../../lib/range";

/** Load balancer and target group names: at most 32 letters, digits and "-". */
export const ELB_NAME_MAX = 32;
export const ELB_NAME = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

/** Target group `deregistration_delay`. */
export const DEREGISTRATION_DELAY_SECONDS: IntegerRange = { min: 0, max: 3600 };

/** EC2 user data, before base64 (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html, checked 2026-12-01). */
export const AWS_USER_DATA_MAX_BYTES = 16384;

/** ACM: the certificate's first (primary) name; alternative names may be longer (https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html, checked 2026-12-01). */
export const ACM_PRIMARY_NAME_MAX = 64;

/** ALB `idle_timeout`. */
export const ALB_IDLE_TIMEOUT_SECONDS: IntegerRange = { min: 1, max: 4000 };

/** Target group HTTP health checks. */
export const TARGET_GROUP_HEALTH_CHECK = {
  intervalSeconds: { min: 5, max: 300 },
  timeoutSeconds: { min: 2, max: 120 },
  healthyThreshold: { min: 2, max: 10 },
  unhealthyThreshold: { min: 2, max: 10 },
  pathMaxLength: 1024,
  /** Matcher codes an HTTP check may list. */
  matcherCodes: { min: 200, max: 499 },
} as const satisfies Record<string, IntegerRange | number>;

/** gp3 storage of RDS MySQL and PostgreSQL instances. */
export const RDS_STORAGE_GB: IntegerRange = { min: 20, max: 65536 };
/** Automated backup retention RDS accepts (0 disables backups; the Database construct requires at least 7). */
export const RDS_BACKUP_RETENTION_DAYS: IntegerRange = { min: 0, max: 35 };
/** DB instance identifiers. */
export const RDS_IDENTIFIER_MAX = 63;

/**
 * ALB listener rules (none adjustable). A rule's host-header and path-pattern values count
 * together against `conditionValues`, and every "*" or "?" in them against `conditionWildcards`.
 */
export const ALB_RULE = {
  conditionValues: 5,
  conditionWildcards: 5,
  /** One host-header or path-pattern value. */
  valueLength: 128,
} as const;

/** Characters of an ALB path-pattern value besides the wildcards. */
export const ALB_PATH_CHARACTERS = /^\/[A-Za-z0-9_.$~"'@:+&/-]*$/;

/** Target groups one ALB can route to (not adjustable): with one group per service, its services. */
export const ALB_TARGET_GROUPS_MAX = 100;

/**
 * `retention_in_days` values CloudWatch Logs accepts (PutRetentionPolicy; 0, "never expire", left out on
 * purpose). https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html,
 * checked 2026-12-01.
 */
export const CLOUDWATCH_LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
