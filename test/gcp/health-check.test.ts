import { TerraformOutput } from "cdktf";
import { GcpHealthCheck, GcpHealthCheckProps } from "../../constructs/gcp/health-check";
import { idOf, ref, synthWith } from "../support/synth";

const base: GcpHealthCheckProps = { name: "web-prod-api", port: 3000, requestPath: "/health" };

function build(overrides: Partial<GcpHealthCheckProps> = {}) {
  return synthWith("gcp", (scope) => {
    const check = new GcpHealthCheck(scope, "hc", { ...base, ...overrides });
    new TerraformOutput(scope, "id", { value: check.id });
    new TerraformOutput(scope, "selfLink", { value: check.selfLink });
    new TerraformOutput(scope, "name", { value: check.name });
  });
}

const construct = (overrides: Partial<GcpHealthCheckProps>) => () => build(overrides);

describe("GcpHealthCheck", () => {
  test("defaults: global HTTP check, 15 s interval, 5 s timeout, 2/3 thresholds, no logging", () => {
    const synth = build();
    expect(synth.resources("google_compute_region_health_check")).toEqual({});
    expect(synth.only("google_compute_health_check")).toEqual({
      name: "web-prod-api",
      check_interval_sec: 15,
      timeout_sec: 5,
      healthy_threshold: 2,
      unhealthy_threshold: 3,
      http_health_check: { port: 3000, request_path: "/health" },
      log_config: { enable: false },
    });
  });

  test("attributes reference the health check", () => {
    const synth = build();
    const checkId = idOf(synth, "google_compute_health_check");
    const outputs = synth.outputs();
    expect(outputs.id.value).toBe(ref("google_compute_health_check", checkId, "id"));
    expect(outputs.selfLink.value).toBe(ref("google_compute_health_check", checkId, "self_link"));
    expect(outputs.name.value).toBe(ref("google_compute_health_check", checkId, "name"));
  });

  test("explicit settings are passed through", () => {
    const synth = build({
      requestPath: "/actuator/health?probe=lb",
      checkIntervalSeconds: 30,
      timeoutSeconds: 30,
      healthyThreshold: 1,
      unhealthyThreshold: 10,
      logging: true,
    });
    expect(synth.only("google_compute_health_check")).toMatchObject({
      check_interval_sec: 30,
      timeout_sec: 30,
      healthy_threshold: 1,
      unhealthy_threshold: 10,
      http_health_check: { port: 3000, request_path: "/actuator/health?probe=lb" },
      log_config: { enable: true },
    });
  });

  test("accepts the bounds of every range", () => {
    expect(construct({ name: "a", port: 1, requestPath: "/", checkIntervalSeconds: 1, timeoutSeconds: 1 })).not.toThrow();
    expect(
      construct({ name: "a".repeat(63), port: 65535, requestPath: "/" + "a".repeat(1023), checkIntervalSeconds: 300, timeoutSeconds: 300 }),
    ).not.toThrow();
  });

  const nameRule = "(1 to 63 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen)";
  test.each<[Partial<GcpHealthCheckProps>, string]>([
    [{ name: "Web-api" }, `GcpHealthCheck 'hc': name: "Web-api" is not a valid health check name ${nameRule}`],
    [{ name: "web-api-" }, `GcpHealthCheck 'hc': name: "web-api-" is not a valid health check name ${nameRule}`],
    [{ name: "a".repeat(64) }, `GcpHealthCheck 'hc': name: "${"a".repeat(64)}" is not a valid health check name ${nameRule}`],
    [{ port: 0 }, "GcpHealthCheck 'hc': port: 0 is out of range (an integer from 1 to 65535)"],
    [{ port: 65536 }, "GcpHealthCheck 'hc': port: 65536 is out of range (an integer from 1 to 65535)"],
    [{ port: 80.5 }, "GcpHealthCheck 'hc': port: 80.5 is out of range (an integer from 1 to 65535)"],
    [{ requestPath: "health" }, `GcpHealthCheck 'hc': requestPath: "health" must start with "/" (e.g. "/healthz")`],
    [{ requestPath: "" }, `GcpHealthCheck 'hc': requestPath: "" must start with "/" (e.g. "/healthz")`],
    [{ requestPath: "/" + "a".repeat(1024) }, "GcpHealthCheck 'hc': requestPath: is 1025 characters long (at most 1024)"],
    [{ requestPath: "/my health" }, `GcpHealthCheck 'hc': requestPath: "/my health" contains whitespace (percent-encode it, e.g. %20)`],
    [{ checkIntervalSeconds: 0 }, "GcpHealthCheck 'hc': checkIntervalSeconds: 0 is out of range (an integer from 1 to 300)"],
    [{ checkIntervalSeconds: 301 }, "GcpHealthCheck 'hc': checkIntervalSeconds: 301 is out of range (an integer from 1 to 300)"],
    [{ timeoutSeconds: 0 }, "GcpHealthCheck 'hc': timeoutSeconds: 0 is out of range (an integer from 1 to 300)"],
    [{ timeoutSeconds: 2.5 }, "GcpHealthCheck 'hc': timeoutSeconds: 2.5 is out of range (an integer from 1 to 300)"],
    [
      { checkIntervalSeconds: 10, timeoutSeconds: 11 },
      "GcpHealthCheck 'hc': timeoutSeconds: 11 is greater than checkIntervalSeconds (10) (at most the interval)",
    ],
    [{ checkIntervalSeconds: 4 }, "GcpHealthCheck 'hc': timeoutSeconds: 5 is greater than checkIntervalSeconds (4) (at most the interval)"],
    [{ healthyThreshold: 0 }, "GcpHealthCheck 'hc': healthyThreshold: 0 is out of range (an integer from 1 to 10)"],
    [{ unhealthyThreshold: 11 }, "GcpHealthCheck 'hc': unhealthyThreshold: 11 is out of range (an integer from 1 to 10)"],
  ])("rejects %j", (overrides, message) => {
    expect(construct(overrides)).toThrow(message);
  });
});
