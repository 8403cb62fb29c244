import { targetGroupHealthCheck } from "../../constructs/aws/health-check";

describe("targetGroupHealthCheck", () => {
  test("defaults: traffic port, 200-399, 15 s interval, 5 s timeout, 2/3 thresholds", () => {
    expect(targetGroupHealthCheck({ path: "/healthz" })).toEqual({
      enabled: true,
      protocol: "HTTP",
      path: "/healthz",
      port: "traffic-port",
      matcher: "200-399",
      interval: 15,
      timeout: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
    });
  });

  test("explicit settings are passed through, the port as a string", () => {
    expect(
      targetGroupHealthCheck({
        path: "/ready",
        port: 9001,
        matcher: "200,204",
        intervalSeconds: 30,
        timeoutSeconds: 10,
        healthyThreshold: 5,
        unhealthyThreshold: 10,
      }),
    ).toMatchObject({ path: "/ready", port: "9001", matcher: "200,204", interval: 30, timeout: 10, healthyThreshold: 5, unhealthyThreshold: 10 });
  });

  test("accepts the bounds of every range", () => {
    expect(() => targetGroupHealthCheck({ path: "/", intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 10, unhealthyThreshold: 2 })).not.toThrow();
    expect(() => targetGroupHealthCheck({ path: "/", intervalSeconds: 300, timeoutSeconds: 120, port: 65535, matcher: "200-499" })).not.toThrow();
  });

  test.each([
    [{ path: "healthz" }, `health check': path: "healthz" must start with "/" (e.g. "/healthz")`],
    [{ path: "/" + "a".repeat(1024) }, `health check': path: is 1025 characters long (at most 1024)`],
    [{ path: "/", port: 0 }, `health check': port: 0 is out of range (an integer from 1 to 65535)`],
    [{ path: "/", port: 8080.5 }, `health check': port: 8080.5 is out of range (an integer from 1 to 65535)`],
    [{ path: "/", intervalSeconds: 4 }, `health check': intervalSeconds: 4 is out of range (an integer from 5 to 300)`],
    [{ path: "/", intervalSeconds: 301 }, `health check': intervalSeconds: 301 is out of range (an integer from 5 to 300)`],
    [{ path: "/", timeoutSeconds: 1 }, `health check': timeoutSeconds: 1 is out of range (an integer from 2 to 120)`],
    [{ path: "/", intervalSeconds: 200, timeoutSeconds: 121 }, `health check': timeoutSeconds: 121 is out of range (an integer from 2 to 120)`],
    [{ path: "/", intervalSeconds: 10, timeoutSeconds: 10 }, `health check': timeoutSeconds: 10 must be less than intervalSeconds (10)`],
    [{ path: "/", healthyThreshold: 1 }, `health check': healthyThreshold: 1 is out of range (an integer from 2 to 10)`],
    [{ path: "/", unhealthyThreshold: 11 }, `health check': unhealthyThreshold: 11 is out of range (an integer from 2 to 10)`],
    [{ path: "/", matcher: "ok" }, `health check': matcher: "ok" is not a status code list (e.g. "200", "200,204" or "200-399")`],
    [{ path: "/", matcher: "200-" }, `health check': matcher: "200-" is not a status code list`],
    [{ path: "/", matcher: "200,500" }, `health check': matcher: "500" is not a valid code or range (codes 200..499, low before high)`],
    [{ path: "/", matcher: "399-200" }, `health check': matcher: "399-200" is not a valid code or range`],
    [{ path: "/", matcher: "100-299" }, `health check': matcher: "100-299" is not a valid code or range`],
  ])("rejects %j", (settings, message) => {
    expect(() => targetGroupHealthCheck(settings)).toThrow(message);
  });
});
