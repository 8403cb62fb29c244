/**
 * The HTTP health check a GCP backend service (and the instance group's auto-healing) uses to
 * decide that one instance of a service is healthy. Global, as the external Application Load
 * Balancer requires.
 */
import { ComputeHealthCheck } from "@cdktf/provider-google/lib/compute-health-check";
import { Construct } from "constructs";
import { PropsError } from "../../lib/errors";
import { GCP_HEALTH_CHECK, GCP_NAME, GCP_NAME_MAX } from "./limits";
import { IntegerRange, PORT_RANGE, describeRange, isIntegerIn } from "../../lib/range";

export interface GcpHealthCheckProps {
  /**
   * Name of the health check itself, e.g. "web-prod-api": 1 to 63 lower-case letters, digits or
   * hyphens, starting with a letter and not ending with a hyphen.
   */
  readonly name: string;
  /** Port probed on each instance, 1 to 65535. */
  readonly port: number;
  /** HTTP path requested; must start with "/", at most 1024 characters, no whitespace. */
  readonly requestPath: string;
  /**
   * Seconds between two probes of one instance (1 to 300).
   * @default 15
   */
  readonly checkIntervalSeconds?: number;
  /**
   * Seconds without a response after which a probe fails (1 to 300, at most checkIntervalSeconds).
   * @default 5
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive successes before an unhealthy instance receives traffic again (1 to 10).
   * @default 2
   */
  readonly healthyThreshold?: number;
  /**
   * Consecutive failures before an instance stops receiving traffic (1 to 10).
   * @default 3
   */
  readonly unhealthyThreshold?: number;
  /**
   * Log every change of an instance's health state to Cloud Logging.
   * @default false
   */
  readonly logging?: boolean;
}

export const GCP_HEALTH_CHECK_DEFAULTS = {
  checkIntervalSeconds: 15,
  timeoutSeconds: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
  logging: false,
} as const;

const REQUEST_PATH_MAX = GCP_HEALTH_CHECK.pathMaxLength;

export class GcpHealthCheck extends Construct {
  /** `projects/<project>/global/healthChecks/<name>`, for backend services and auto-healing policies. */
  readonly id: string;
  readonly selfLink: string;
  readonly name: string;

  constructor(scope: Construct, id: string, props: GcpHealthCheckProps) {
    super(scope, id);
    const fail = (prop: string, message: string): never => {
      throw new PropsError("GcpHealthCheck", id, prop, message);
    };
    const integerIn = (prop: string, value: number, range: IntegerRange): number => {
      if (!isIntegerIn(value, range)) fail(prop, `${value} is out of range (${describeRange(range)})`);
      return value;
    };

    if (typeof props.name !== "string" || !GCP_NAME.test(props.name) || props.name.length > GCP_NAME_MAX) {
      fail(
        "name",
        `"${props.name}" is not a valid health check name (1 to ${GCP_NAME_MAX} lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen)`,
      );
    }
    const port = integerIn("port", props.port, PORT_RANGE);
    const path = props.requestPath;
    if (typeof path !== "string" || !path.startsWith("/")) {
      fail("requestPath", `"${path}" must start with "/" (e.g. "/healthz")`);
    }
    if (path.length > REQUEST_PATH_MAX) {
      fail("requestPath", `is ${path.length} characters long (at most ${REQUEST_PATH_MAX})`);
    }
    if (/\s/.test(path)) {
      fail("requestPath", `"${path}" contains whitespace (percent-encode it, e.g. %20)`);
    }
    const interval = integerIn(
      "checkIntervalSeconds",
      props.checkIntervalSeconds ?? GCP_HEALTH_CHECK_DEFAULTS.checkIntervalSeconds,
      GCP_HEALTH_CHECK.intervalSeconds,
    );
    const timeout = integerIn("timeoutSeconds", props.timeoutSeconds ?? GCP_HEALTH_CHECK_DEFAULTS.timeoutSeconds, GCP_HEALTH_CHECK.timeoutSeconds);
    if (timeout > interval) {
      fail("timeoutSeconds", `${timeout} is greater than checkIntervalSeconds (${interval}) (at most the interval)`);
    }
    const healthy = integerIn("healthyThreshold", props.healthyThreshold ?? GCP_HEALTH_CHECK_DEFAULTS.healthyThreshold, GCP_HEALTH_CHECK.healthyThreshold);
    const unhealthy = integerIn(
      "unhealthyThreshold",
      props.unhealthyThreshold ?? GCP_HEALTH_CHECK_DEFAULTS.unhealthyThreshold,
      GCP_HEALTH_CHECK.unhealthyThreshold,
    );

    const check = new ComputeHealthCheck(this, "health-check", {
      name: props.name,
      checkIntervalSec: interval,
      timeoutSec: timeout,
      healthyThreshold: healthy,
      unhealthyThreshold: unhealthy,
      httpHealthCheck: { port, requestPath: path },
      logConfig: { enable: props.logging ?? GCP_HEALTH_CHECK_DEFAULTS.logging },
    });
    this.id = check.id;
    this.selfLink = check.selfLink;
    this.name = check.name;
  }
}
