/**
 * The health check of a per-service ALB target group, as a small validated builder so the
 * load balancer (and anything else that needs the same check) cannot hand AWS values it
 * would reject only at apply time.
 */
import { LbTargetGroupHealthCheck } from "@cdktf/provider-aws/lib/lb-target-group";
import { PropsError } from "../../lib/errors";
import { IntegerRange, PORT_RANGE, describeRange, isIntegerIn } from "../../lib/range";
import { TARGET_GROUP_HEALTH_CHECK } from "./limits";

/** How the load balancer decides that one instance of a service is healthy. */
export interface HealthCheckSettings {
  /**
   * HTTP path requested on each target; must start with "/".
   */
  readonly path: string;

  /**
   * Port the check connects to, when the application exposes health on a separate port.
   * @default the traffic port (the target group's port)
   */
  readonly port?: number;

  /**
   * HTTP status codes that count as healthy: "200", "200,204" or "200-399" (codes 200..499).
   * @default "200-399"
   */
  readonly matcher?: string;

  /**
   * Seconds between two checks of one target (5..300).
   * @default 15
   */
  readonly intervalSeconds?: number;

  /**
   * Seconds without a response after which a check fails (2..120, less than intervalSeconds).
   * @default 5
   */
  readonly timeoutSeconds?: number;

  /**
   * Consecutive successes before an unhealthy target receives traffic again (2..10).
   * @default 2
   */
  readonly healthyThreshold?: number;

  /**
   * Consecutive failures before a target stops receiving traffic (2..10).
   * @default 3
   */
  readonly unhealthyThreshold?: number;
}

export const HEALTH_CHECK_DEFAULTS = {
  matcher: "200-399",
  intervalSeconds: 15,
  timeoutSeconds: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
} as const;

function fail(field: string, problem: string): never {
  throw new PropsError("TargetGroupHealthCheck", "health check", field, problem);
}

function integerIn(field: string, value: number, range: IntegerRange): number {
  if (!isIntegerIn(value, range)) fail(field, `${value} is out of range (${describeRange(range)})`);
  return value;
}

// ALB accepts single codes, comma lists and ranges, all within 200..499 for HTTP checks.
const { matcherCodes } = TARGET_GROUP_HEALTH_CHECK;
const MATCHER_SYNTAX = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/;

function validMatcher(matcher: string): string {
  if (!MATCHER_SYNTAX.test(matcher)) {
    fail("matcher", `"${matcher}" is not a status code list (e.g. "200", "200,204" or "200-399")`);
  }
  for (const part of matcher.split(",")) {
    const [low, high = low] = part.split("-").map(Number);
    if (low < matcherCodes.min || high > matcherCodes.max || low > high) {
      fail("matcher", `"${part}" is not a valid code or range (codes 200..499, low before high)`);
    }
  }
  return matcher;
}

/** Builds the `health_check` block of an HTTP target group; throws "health check: <field>: ..." on bad input. */
export function targetGroupHealthCheck(settings: HealthCheckSettings): LbTargetGroupHealthCheck {
  if (typeof settings.path !== "string" || !settings.path.startsWith("/")) {
    fail("path", `"${settings.path}" must start with "/" (e.g. "/healthz")`);
  }
  if (settings.path.length > TARGET_GROUP_HEALTH_CHECK.pathMaxLength) {
    fail("path", `is ${settings.path.length} characters long (at most ${TARGET_GROUP_HEALTH_CHECK.pathMaxLength})`);
  }
  if (settings.port !== undefined) integerIn("port", settings.port, PORT_RANGE);
  const interval = integerIn("intervalSeconds", settings.intervalSeconds ?? HEALTH_CHECK_DEFAULTS.intervalSeconds, TARGET_GROUP_HEALTH_CHECK.intervalSeconds);
  const timeout = integerIn("timeoutSeconds", settings.timeoutSeconds ?? HEALTH_CHECK_DEFAULTS.timeoutSeconds, TARGET_GROUP_HEALTH_CHECK.timeoutSeconds);
  if (timeout >= interval) {
    fail("timeoutSeconds", `${timeout} must be less than intervalSeconds (${interval})`);
  }
  const healthy = integerIn("healthyThreshold", settings.healthyThreshold ?? HEALTH_CHECK_DEFAULTS.healthyThreshold, TARGET_GROUP_HEALTH_CHECK.healthyThreshold);
  const unhealthy = integerIn(
    "unhealthyThreshold",
    settings.unhealthyThreshold ?? HEALTH_CHECK_DEFAULTS.unhealthyThreshold,
    TARGET_GROUP_HEALTH_CHECK.unhealthyThreshold,
  );
  return {
    enabled: true,
    protocol: "HTTP",
    path: settings.path,
    port: settings.port === undefined ? "traffic-port" : String(settings.port),
    matcher: validMatcher(settings.matcher ?? HEALTH_CHECK_DEFAULTS.matcher),
    interval,
    timeout,
    healthyThreshold: healthy,
    unhealthyThreshold: unhealthy,
  };
}
