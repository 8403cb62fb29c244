import { TerraformOutput } from "cdktf";
import { ComputeHealthCheck } from "@cdktf/provider-google/lib/compute-health-check";
import { ComputeRegionInstanceGroupManager } from "@cdktf/provider-google/lib/compute-region-instance-group-manager";
import { GcpCanaryRelease, GcpLoadBalancedService, GcpLoadBalancer, GcpLoadBalancerProps } from "../../constructs/gcp/load-balancer";
import { schemaProblems } from "../support/provider-schema";
import { idOf, ref, synthWith } from "../support/synth";

/** A canary's group and health check default to ones built for it, its port name to the service's. */
type CanaryInput = Pick<GcpCanaryRelease, "weight"> & Partial<GcpCanaryRelease>;
type ServiceInput = Omit<GcpLoadBalancedService, "instanceGroup" | "healthCheckId" | "canary"> & Partial<Omit<GcpLoadBalancedService, "canary">> & { canary?: CanaryInput };
type Props = Omit<GcpLoadBalancerProps, "services"> & { services: ServiceInput[] };

const SERVICES: ServiceInput[] = [
  { name: "web", hostnames: ["example.com", "www.example.com"], portName: "http" },
  { name: "api", hostnames: ["api.example.com"], portName: "api" },
];

/** What `GcpCertificate.certificateMapId` looks like once resolved. */
const MAP_ID = "projects/test-project/locations/global/certificateMaps/shop-prod";

/** Without `certificateMapId`: HTTP only. */
function baseProps(overrides: Partial<Props> = {}): Props {
  return { name: "shop-prod", services: SERVICES, ...overrides };
}

/**
 * Synthesizes the load balancer next to one instance group manager ("mig-<index>") and health check
 * ("hc-<index>") per service, and "canary-mig-<index>" and "canary-hc-<index>" per canary, unless a
 * service brings its own values; `lb` holds its attributes as rendered in Terraform.
 */
function synthLb(props: Props) {
  const synth = synthWith("gcp", (scope) => {
    const groupAndCheck = (prefix: "" | "canary-", index: number) => {
      const healthCheck = new ComputeHealthCheck(scope, `${prefix}hc-${index}`, {
        name: `${prefix}hc-${index}`,
        httpHealthCheck: { port: 8080, requestPath: "/healthz" },
      });
      const group = new ComputeRegionInstanceGroupManager(scope, `${prefix}mig-${index}`, {
        name: `${prefix}mig-${index}`,
        baseInstanceName: `${prefix}mig-${index}`,
        region: "europe-west1",
        version: [{ instanceTemplate: "projects/test-project/global/instanceTemplates/t" }],
      });
      return { instanceGroup: group.instanceGroup, healthCheckId: healthCheck.id };
    };
    const services = props.services.map((service, index) => {
      const stable = { ...groupAndCheck("", index), ...service };
      if (!service.canary) return stable as GcpLoadBalancedService;
      return { ...stable, canary: { ...groupAndCheck("canary-", index), portName: service.portName, ...service.canary } } as GcpLoadBalancedService;
    });
    const lb = new GcpLoadBalancer(scope, "lb", { ...props, services });
    const { ipAddress, backendServiceIds, canaryBackendServiceIds, urlMapId, domains, https } = lb;
    new TerraformOutput(scope, "attributes", { value: { ipAddress, backendServiceIds, canaryBackendServiceIds, urlMapId, domains, https } });
  });
  return { synth, lb: synth.outputs().attributes.value };
}

describe("GcpLoadBalancer", () => {
  const { synth, lb } = synthLb(baseProps({ certificateMapId: MAP_ID }));
  const addressId = idOf(synth, "google_compute_global_address");
  const policyId = idOf(synth, "google_compute_ssl_policy");
  const httpsMapId = idOf(synth, "google_compute_url_map", (map) => map.name === "shop-prod-https");
  const redirectMapId = idOf(synth, "google_compute_url_map", (map) => map.name === "shop-prod-http-redirect");
  const httpsProxyId = idOf(synth, "google_compute_target_https_proxy");
  const httpProxyId = idOf(synth, "google_compute_target_http_proxy");
  const backendId = (service: string) => idOf(synth, "google_compute_backend_service", (backend) => backend.name === `shop-prod-${service}`);
  // Each service's group and health check are built at its index in SERVICES.
  const indexOf = (service: string) => SERVICES.findIndex((candidate) => candidate.name === service);

  test("every resource is valid against the google 6.50.0 schema", () => {
    expect(schemaProblems(synth.json)).toEqual([]);
  });

  test("one static external IPv4 address", () => {
    expect(synth.only("google_compute_global_address")).toEqual({
      name: "shop-prod",
      description: "Public address of the shop-prod load balancer",
      address_type: "EXTERNAL",
      ip_version: "IPV4",
    });
    expect(lb.ipAddress).toBe(ref("google_compute_global_address", addressId, "address"));
  });

  test("both forwarding rules listen on that one address, HTTPS on 443 and HTTP on 80, each to its own proxy", () => {
    const rules = synth.resources("google_compute_global_forwarding_rule");
    expect(Object.keys(rules)).toHaveLength(2);
    const https = Object.values(rules).find((rule: any) => rule.port_range === "443");
    const http = Object.values(rules).find((rule: any) => rule.port_range === "80");
    const common = {
      load_balancing_scheme: "EXTERNAL_MANAGED",
      ip_protocol: "TCP",
      ip_address: ref("google_compute_global_address", addressId, "address"),
    };
    expect(https).toMatchObject({ ...common, name: "shop-prod-https", target: ref("google_compute_target_https_proxy", httpsProxyId, "id") });
    expect(http).toMatchObject({ ...common, name: "shop-prod-http", target: ref("google_compute_target_http_proxy", httpProxyId, "id") });
    // ip_version and ip_address exclude each other: the version comes from the address.
    expect((https as any).ip_version).toBeUndefined();
  });

  test("the HTTPS proxy serves the certificate map by its full resource name under the SSL policy and routes with the host URL map", () => {
    const proxy = synth.only("google_compute_target_https_proxy");
    expect(proxy).toMatchObject({
      name: "shop-prod-https",
      url_map: ref("google_compute_url_map", httpsMapId, "id"),
      certificate_map: `//certificatemanager.googleapis.com/${MAP_ID}`,
      ssl_policy: ref("google_compute_ssl_policy", policyId, "id"),
    });
    expect(proxy.ssl_certificates).toBeUndefined();
    expect(synth.resources("google_compute_managed_ssl_certificate")).toEqual({});
    expect(lb.urlMapId).toBe(ref("google_compute_url_map", httpsMapId, "id"));
    expect(lb.https).toBe(true);
  });

  test("domains lists every hostname of every service, sorted", () => {
    expect(lb.domains).toEqual(["api.example.com", "example.com", "www.example.com"]);
  });

  test("hostnames are compared and listed in lower case without a trailing dot", () => {
    const { synth: normalized, lb: attributes } = synthLb(
      baseProps({ certificateMapId: MAP_ID, services: [{ name: "web", hostnames: ["WWW.Example.com.", "example.com"], portName: "http" }] }),
    );
    expect(attributes.domains).toEqual(["example.com", "www.example.com"]);
    const map = normalized.resources("google_compute_url_map")[idOf(normalized, "google_compute_url_map", (candidate) => candidate.name === "shop-prod-https")];
    expect(map.host_rule).toEqual([{ hosts: ["www.example.com", "example.com"], path_matcher: "web" }]);
  });

  test("one backend service per service: the group on its named port, its health check, logging every request", () => {
    for (const [service, portName] of [["web", "http"], ["api", "api"]]) {
      const backend = synth.resources("google_compute_backend_service")[backendId(service)];
      expect(backend).toEqual({
        name: `shop-prod-${service}`,
        description: `${service} behind the shop-prod load balancer`,
        load_balancing_scheme: "EXTERNAL_MANAGED",
        protocol: "HTTP",
        port_name: portName,
        timeout_sec: 30,
        connection_draining_timeout_sec: 30,
        health_checks: [ref("google_compute_health_check", `hc-${indexOf(service)}`, "id")],
        backend: [
          {
            group: ref("google_compute_region_instance_group_manager", `mig-${indexOf(service)}`, "instance_group"),
            balancing_mode: "UTILIZATION",
            capacity_scaler: 1,
          },
        ],
        locality_lb_policy: "ROUND_ROBIN",
        log_config: { enable: true, sample_rate: 1 },
      });
      expect(lb.backendServiceIds[service]).toBe(ref("google_compute_backend_service", backendId(service), "id"));
    }
    expect(Object.keys(lb.backendServiceIds).sort()).toEqual(["api", "web"]);
  });

  test("the HTTPS URL map routes each service's hosts to its backend and redirects unknown hosts to the first host", () => {
    const map = synth.resources("google_compute_url_map")[httpsMapId];
    expect(map.host_rule).toEqual([
      { hosts: ["example.com", "www.example.com"], path_matcher: "web" },
      { hosts: ["api.example.com"], path_matcher: "api" },
    ]);
    expect(map.path_matcher).toEqual([
      { name: "web", default_service: ref("google_compute_backend_service", backendId("web"), "id") },
      { name: "api", default_service: ref("google_compute_backend_service", backendId("api"), "id") },
    ]);
    expect(map.default_service).toBeUndefined();
    expect(map.default_url_redirect).toEqual({
      host_redirect: "example.com",
      https_redirect: true,
      redirect_response_code: "FOUND",
      strip_query: false,
    });
  });

  test("HTTP answers only with a permanent redirect to HTTPS, keeping the query", () => {
    const map = synth.resources("google_compute_url_map")[redirectMapId];
    expect(map).toMatchObject({
      name: "shop-prod-http-redirect",
      default_url_redirect: { https_redirect: true, redirect_response_code: "MOVED_PERMANENTLY_DEFAULT", strip_query: false },
    });
    expect(map.default_service).toBeUndefined();
    expect(map.host_rule).toBeUndefined();
    expect(synth.only("google_compute_target_http_proxy")).toMatchObject({
      name: "shop-prod-http",
      url_map: ref("google_compute_url_map", redirectMapId, "id"),
    });
  });

  test("TLS 1.2 minimum with the MODERN profile by default; TLS 1.3 uses RESTRICTED", () => {
    expect(synth.only("google_compute_ssl_policy")).toMatchObject({ name: "shop-prod-tls", min_tls_version: "TLS_1_2", profile: "MODERN" });
    const { synth: strict } = synthLb(baseProps({ certificateMapId: MAP_ID, minTlsVersion: "TLS_1_3" }));
    expect(strict.only("google_compute_ssl_policy")).toMatchObject({ min_tls_version: "TLS_1_3", profile: "RESTRICTED" });
  });

  test("timeout, locality policy and connection draining apply to every backend", () => {
    const { synth: custom } = synthLb(
      baseProps({ timeoutSeconds: 3600, localityPolicy: "LEAST_REQUEST", connectionDrainingTimeoutSeconds: 120 }),
    );
    const backends = Object.values(custom.resources("google_compute_backend_service"));
    expect(backends).toHaveLength(2);
    for (const backend of backends) {
      expect(backend).toMatchObject({ timeout_sec: 3600, locality_lb_policy: "LEAST_REQUEST", connection_draining_timeout_sec: 120 });
    }
  });

  describe("validation", () => {
    const web = SERVICES[0];
    const api = SERVICES[1];
    const cases: [string, Partial<Props>, string][] = [
      ["upper-case name", { name: "Shop" }, `GcpLoadBalancer 'lb': name: "Shop" is not a valid name (lower-case letters, digits and "-", starting with a letter, not ending with "-", at most 49 characters)`],
      ["name too long", { name: "a".repeat(50) }, `name: "${"a".repeat(50)}" is not a valid name`],
      ["timeout 0", { timeoutSeconds: 0 }, "GcpLoadBalancer 'lb': timeoutSeconds: 0 is out of range (an integer from 1 to 86400)"],
      ["timeout too long", { timeoutSeconds: 86401 }, "GcpLoadBalancer 'lb': timeoutSeconds: 86401 is out of range (an integer from 1 to 86400)"],
      ["unknown locality policy", { localityPolicy: "RANDOM" as any }, `GcpLoadBalancer 'lb': localityPolicy: "RANDOM" is not supported ("ROUND_ROBIN" or "LEAST_REQUEST")`],
      ["unknown TLS version", { minTlsVersion: "TLS_1_0" as any }, `GcpLoadBalancer 'lb': minTlsVersion: "TLS_1_0" is not supported ("TLS_1_2" or "TLS_1_3")`],
      ["draining too long", { connectionDrainingTimeoutSeconds: 3601 }, "GcpLoadBalancer 'lb': connectionDrainingTimeoutSeconds: 3601 is out of range (an integer from 0 to 3600)"],
      ["no services", { services: [] }, "GcpLoadBalancer 'lb': services: is empty (at least one service)"],
      ["bad service name", { services: [{ ...web, name: "Web" }] }, `GcpLoadBalancer 'lb': services[0].name: "Web" is not a valid name (lower-case letters, digits and "-", starting with a letter, not ending with "-")`],
      ["repeated service name", { services: [web, { ...api, name: "web" }] }, `GcpLoadBalancer 'lb': services[1].name: "web" is already used by services[0] (unique service names)`],
      ["backend name too long", { services: [{ ...web, name: "s".repeat(54) }] }, `GcpLoadBalancer 'lb': services[0].name: backend service name "shop-prod-${"s".repeat(54)}" is 64 characters long ("<lb name>-<service name>" at most 63)`],
      ["empty instance group", { services: [{ ...web, instanceGroup: "" }] }, "GcpLoadBalancer 'lb': services[0].instanceGroup: is empty (the instance_group URL of the service's managed instance group)"],
      ["bad port name", { services: [{ ...web, portName: "HTTP" }] }, `GcpLoadBalancer 'lb': services[0].portName: "HTTP" is not a valid port name (the group's named port, e.g. "http")`],
      ["empty health check", { services: [{ ...web, healthCheckId: "" }] }, "GcpLoadBalancer 'lb': services[0].healthCheckId: is empty (the id of the backend's health check)"],
      ["hostname with a space", { services: [web, { ...api, hostnames: ["api example.com"] }] }, `GcpLoadBalancer 'lb': services[1].hostnames[0]: "api example.com" is not a DNS name (a fully qualified name such as api.example.com, or a wildcard such as "*.example.com")`],
      ["single-label hostname", { services: [{ ...web, hostnames: ["localhost"] }] }, `services[0].hostnames[0]: "localhost" is not a DNS name`],
      ["label too long", { services: [{ ...web, hostnames: [`${"a".repeat(64)}.example.com`] }] }, "is not a DNS name"],
      ["URL instead of hostname", { services: [{ ...web, hostnames: ["https://example.com"] }] }, `services[0].hostnames[0]: "https://example.com" is not a DNS name`],
      ["hostname in two services", { services: [web, { ...api, hostnames: ["api.example.com", "WWW.example.com"] }] }, `GcpLoadBalancer 'lb': services[1].hostnames[1]: "www.example.com" is already routed to service "web" (unique host names across services)`],
      ["hostname twice in one service", { services: [{ ...web, hostnames: ["example.com", "example.com."] }] }, `services[0].hostnames[1]: "example.com" is already routed to service "web"`],
    ];
    it.each(cases)("rejects %s", (_label, overrides, message) => {
      expect(() => synthLb(baseProps(overrides))).toThrow(message);
    });

    it("accepts the boundaries", () => {
      expect(() =>
        synthLb(
          baseProps({
            name: "a".repeat(49),
            timeoutSeconds: 1,
            connectionDrainingTimeoutSeconds: 0,
            services: [{ ...web, name: "s".repeat(13), hostnames: Array.from({ length: 100 }, (_, i) => `h${i}.example.com`) }],
          }),
        ),
      ).not.toThrow();
      expect(() => synthLb(baseProps({ timeoutSeconds: 86400, connectionDrainingTimeoutSeconds: 3600 }))).not.toThrow();
    });
  });

  describe("HTTP only (no certificateMapId)", () => {
    const services: ServiceInput[] = [
      { name: "api", paths: ["/api/*"], portName: "api" },
      { name: "web", portName: "http" },
    ];
    const { synth: plain, lb: attributes } = synthLb(baseProps({ services }));
    const routingMap = idOf(plain, "google_compute_url_map");

    test("no HTTPS proxy, forwarding rule, SSL policy, certificate or redirect map", () => {
      for (const type of ["google_compute_target_https_proxy", "google_compute_ssl_policy", "google_compute_managed_ssl_certificate"]) {
        expect(plain.resources(type)).toEqual({});
      }
      expect(Object.values(plain.resources("google_compute_global_forwarding_rule"))).toEqual([
        expect.objectContaining({ name: "shop-prod-http", port_range: "80", target: ref("google_compute_target_http_proxy", idOf(plain, "google_compute_target_http_proxy"), "id") }),
      ]);
      expect(attributes.https).toBe(false);
      expect(schemaProblems(plain.json)).toEqual([]);
    });

    test("the HTTP proxy serves the routing map (kept under its HTTPS-mode name, so adding a domain does not replace it)", () => {
      expect(plain.only("google_compute_target_http_proxy").url_map).toBe(ref("google_compute_url_map", routingMap, "id"));
      const map = plain.only("google_compute_url_map");
      const backend = (service: string) => ref("google_compute_backend_service", idOf(plain, "google_compute_backend_service", (b) => b.name === `shop-prod-${service}`), "id");
      expect(map).toMatchObject({ name: "shop-prod-https", default_service: backend("web") });
      expect(map.host_rule).toEqual([{ hosts: ["*"], path_matcher: expect.stringMatching(/^routes-[0-9a-f]{8}$/) }]);
      expect(map.path_matcher).toEqual([
        { name: map.host_rule[0].path_matcher, default_service: backend("web"), path_rule: [{ paths: ["/api/*"], service: backend("api") }] },
      ]);
    });

    test("hostnames, wildcards included, are routed over HTTP alone; unmatched requests are redirected to http://", () => {
      const { synth: named, lb: namedAttributes } = synthLb(baseProps({ services: [...SERVICES, { name: "tenants", hostnames: ["*.example.com"], portName: "http" }] }));
      expect(namedAttributes).toMatchObject({ https: false, domains: ["*.example.com", "api.example.com", "example.com", "www.example.com"] });
      for (const type of ["google_compute_target_https_proxy", "google_compute_ssl_policy", "google_compute_managed_ssl_certificate"]) {
        expect(named.resources(type)).toEqual({});
      }
      const map = named.only("google_compute_url_map");
      expect(named.only("google_compute_target_http_proxy").url_map).toBe(ref("google_compute_url_map", idOf(named, "google_compute_url_map"), "id"));
      expect(map.host_rule).toEqual([
        { hosts: ["example.com", "www.example.com"], path_matcher: "web" },
        { hosts: ["api.example.com"], path_matcher: "api" },
        { hosts: ["*.example.com"], path_matcher: "tenants" },
      ]);
      expect(map.default_url_redirect).toEqual({ host_redirect: "example.com", https_redirect: false, redirect_response_code: "FOUND", strip_query: false });
      expect(schemaProblems(named.json)).toEqual([]);
    });

    test("path routing without a service for unmatched requests needs defaultService", () => {
      expect(() => synthLb(baseProps({ services: [services[0]] }))).toThrow(
        "GcpLoadBalancer 'lb': defaultService: is required: no hostname routes every path to a service, so requests matching no rule have nowhere to go (the name of the service that answers them)",
      );
      const { synth: named } = synthLb(baseProps({ services: [services[0], { ...services[1], paths: ["/web/*"] }], defaultService: "web" }));
      expect(named.only("google_compute_url_map").default_service).toBe(ref("google_compute_backend_service", idOf(named, "google_compute_backend_service", (b) => b.name === "shop-prod-web"), "id"));
    });
  });

  describe("routing by host and path", () => {
    const services: ServiceInput[] = [
      { name: "api", paths: ["/api/*"], portName: "http" },
      { name: "admin", hostnames: ["admin.example.com"], portName: "http" },
      { name: "health", hostnames: ["admin.example.com"], paths: ["/health"], portName: "http" },
      { name: "tenants", hostnames: ["*.example.com", "example.com"], portName: "http" },
      { name: "status", hostnames: ["*.example.com"], paths: ["/status", "/api/v2/*"], portName: "http" },
      { name: "cart", hostnames: ["shop.example.com"], paths: ["/cart/*", "/api/*"], portName: "http" },
      { name: "web", portName: "http" },
    ];
    const { synth: routed } = synthLb(baseProps({ certificateMapId: "projects/p/locations/global/certificateMaps/m", services }));
    const map = routed.resources("google_compute_url_map")[idOf(routed, "google_compute_url_map", (m) => m.name === "shop-prod-https")];
    const serviceOf = Object.fromEntries(
      Object.entries(routed.resources("google_compute_backend_service")).map(([id, backend]) => [ref("google_compute_backend_service", id, "id"), backend.name.replace("shop-prod-", "")]),
    );

    /** What GCP does with the map: one host rule (exact, longest "*." suffix, "*"), then the longest path, exact before prefix. */
    function route(host: string, path: string): string {
      const rules: { hosts: string[]; path_matcher: string }[] = map.host_rule;
      const exact = rules.find((rule) => rule.hosts.includes(host));
      const wildcard = rules
        .flatMap((rule) => rule.hosts.filter((pattern) => pattern.startsWith("*.") && host.endsWith(pattern.slice(1))).map((pattern) => ({ rule, pattern })))
        .sort((a, b) => b.pattern.length - a.pattern.length)[0]?.rule;
      const rule = exact ?? wildcard ?? rules.find((candidate) => candidate.hosts.includes("*"));
      if (!rule) return serviceOf[map.default_service] ?? "redirect";
      const matcher = map.path_matcher.find((candidate: any) => candidate.name === rule.path_matcher);
      const matches = (matcher.path_rule ?? [])
        .flatMap((pathRule: any) => pathRule.paths.map((pattern: string) => ({ pattern, service: pathRule.service })))
        .filter(({ pattern }: any) => (pattern.endsWith("/*") ? path.startsWith(pattern.slice(0, -1)) : path === pattern))
        .sort((a: any, b: any) => (b.pattern.endsWith("*") ? 0 : 1) - (a.pattern.endsWith("*") ? 0 : 1) || b.pattern.length - a.pattern.length);
      return serviceOf[matches[0]?.service ?? matcher.default_service] ?? "redirect";
    }

    it.each([
      ["admin.example.com", "/health", "health", "exact host + path"],
      ["admin.example.com", "/api/x", "admin", "exact host beats path only"],
      ["admin.example.com", "/status", "admin", "exact host beats wildcard host + path"],
      ["shop.example.com", "/api/v2/x", "cart", "exact host + path beats a longer wildcard path"],
      ["shop.example.com", "/status", "status", "wildcard host + path when the exact host has no catch-all"],
      ["shop.example.com", "/other", "tenants", "then the wildcard host"],
      ["a.example.com", "/api/v2/x", "status", "wildcard host + path"],
      ["a.example.com", "/api/x", "tenants", "wildcard host beats path only"],
      ["example.com", "/api/x", "tenants", "the apex is an exact host of tenants"],
      ["203.0.113.7", "/api/x", "api", "path only on any other host"],
      ["other.test", "/", "web", "default"],
    ])("%s%s goes to %s (%s)", (host, path, service) => {
      expect(route(host, path)).toBe(service);
    });

    test("one host rule per host group; host-only groups keep the service's name; path-only rules on \"*\"", () => {
      expect(map.host_rule.map((rule: any) => rule.hosts)).toEqual([["admin.example.com"], ["*.example.com"], ["example.com"], ["shop.example.com"], ["*"]]);
      expect(map.host_rule[2].path_matcher).toBe("tenants");
      const shop = map.path_matcher.find((matcher: any) => matcher.name === map.host_rule[3].path_matcher);
      // /api/v2/* of the wildcard is left out: /api/* of the exact host covers it and must win.
      expect(shop.path_rule.map((rule: any) => [serviceOf[rule.service], rule.paths])).toEqual([["cart", ["/cart/*", "/api/*"]], ["status", ["/status"]]]);
      expect(serviceOf[shop.default_service]).toBe("tenants");
      expect(serviceOf[map.default_service]).toBe("web");
      expect(schemaProblems(routed.json)).toEqual([]);
    });

    test("without a default service, unmatched requests are redirected to the first hostname that routes every path", () => {
      const { synth: noDefault } = synthLb(baseProps({ certificateMapId: "projects/p/locations/global/certificateMaps/m", services: services.slice(0, 6) }));
      expect(noDefault.resources("google_compute_url_map")[idOf(noDefault, "google_compute_url_map", (m) => m.name === "shop-prod-https")].default_url_redirect).toEqual({
        host_redirect: "admin.example.com",
        https_redirect: true,
        redirect_response_code: "FOUND",
        strip_query: false,
      });
    });

    const MAP = "projects/p/locations/global/certificateMaps/m";
    it.each<[string, Partial<Props>, string]>([
      ["a host and path twice", { services: [{ name: "a", hostnames: ["x.example.com"], paths: ["/a"], portName: "http" }, { name: "b", hostnames: ["X.example.com"], paths: ["/a"], portName: "http" }] }, `GcpLoadBalancer 'lb': services[1].paths[0]: "x.example.com/a" is already routed to service "a" (each host and path goes to exactly one service)`],
      ["a path-only path twice", { services: [{ name: "a", paths: ["/a/*"], portName: "http" }, { name: "b", paths: ["/a/*"], portName: "http" }], defaultService: "a" }, `GcpLoadBalancer 'lb': services[1].paths[0]: "/a/*" is already routed to service "a" (each host and path goes to exactly one service)`],
      ["two catch-all services", { services: [{ name: "a", portName: "http" }, { name: "b", portName: "http" }] }, `GcpLoadBalancer 'lb': services[1]: has neither hostnames nor paths, like service "a" (only one service may take every request the others do not match)`],
      ["an unknown default service", { services: [{ name: "a", paths: ["/a"], portName: "http" }], defaultService: "b" }, `GcpLoadBalancer 'lb': defaultService: "b" is not one of the services ("a")`],
      ["a default service next to a catch-all one", { services: [{ name: "a", portName: "http" }, { name: "b", paths: ["/b"], portName: "http" }], defaultService: "b" }, `GcpLoadBalancer 'lb': defaultService: "b" conflicts with service "a", which has neither hostnames nor paths and so already takes every unmatched request (leave defaultService out, or give that service hostnames or paths)`],
      ["a path without a leading slash", { services: [{ name: "a", paths: ["api/*"], portName: "http" }], defaultService: "a" }, `GcpLoadBalancer 'lb': services[0].paths[0]: "api/*" is not a routable path ("/" then URL characters, exact ("/health") or a prefix ending in "/*" ("/api/*"), at most 1024 characters)`],
      ["a wildcard inside a path", { services: [{ name: "a", paths: ["/a*/b"], portName: "http" }], defaultService: "a" }, `services[0].paths[0]: "/a*/b" is not a routable path`],
      ["a bare /*", { services: [{ name: "a", paths: ["/*"], portName: "http" }], defaultService: "a" }, `services[0].paths[0]: "/*" is not a routable path`],
      ["a query in a path", { services: [{ name: "a", paths: ["/a?b=1"], portName: "http" }], defaultService: "a" }, `services[0].paths[0]: "/a?b=1" is not a routable path`],
      ["a wildcard in the middle of a host", { services: [{ name: "a", hostnames: ["a.*.example.com"], portName: "http" }] }, `GcpLoadBalancer 'lb': services[0].hostnames[0]: "a.*.example.com" is not a DNS name`],
      ["a bad certificate map id", { certificateMapId: "my-map" } as Partial<Props>, `GcpLoadBalancer 'lb': certificateMapId: "my-map" is not a certificate map id (GcpCertificate.certificateMapId, projects/<project>/locations/global/certificateMaps/<name>)`],
    ])("rejects %s", (_label, overrides, message) => {
      expect(() => synthLb(baseProps({ certificateMapId: MAP, ...overrides }))).toThrow(message);
    });
  });

  describe("canary", () => {
    const services: ServiceInput[] = [
      { name: "web", hostnames: ["example.com", "www.example.com"], portName: "http", canary: { weight: 10 } },
      { name: "api", paths: ["/api/*"], portName: "api", canary: { weight: 25, portName: "api-next" } },
      { name: "admin", hostnames: ["admin.example.com"], paths: ["/admin/*"], portName: "http" },
      { name: "home", portName: "http", canary: { weight: 50 } },
    ];
    const withoutCanaries = services.map(({ canary: _canary, ...service }) => service);
    const { synth: released, lb: attributes } = synthLb(baseProps({ certificateMapId: MAP_ID, services }));
    const backend = (synth: typeof released, name: string) =>
      ref("google_compute_backend_service", idOf(synth, "google_compute_backend_service", (candidate) => candidate.name === `shop-prod-${name}`), "id");
    const weighted = (service: string, weight: number) => ({
      weighted_backend_services: [
        { backend_service: backend(released, service), weight: 100 - weight },
        { backend_service: backend(released, `${service}-canary`), weight },
      ],
    });
    const routingMap = (synth: typeof released) => synth.resources("google_compute_url_map")[idOf(synth, "google_compute_url_map", (map) => map.name === "shop-prod-https")];
    /** The resources of every type but the URL maps, the canary backends and the test's canary groups and checks. */
    const untouched = (synth: typeof released) =>
      Object.fromEntries(
        Object.entries(synth.json.resource)
          .filter(([type]) => type !== "google_compute_url_map")
          .map(([type, all]) => [type, Object.fromEntries(Object.entries(all as object).filter(([id, resource]) => !id.startsWith("canary-") && !String(resource.name).endsWith("-canary")))]),
      );

    test("each canary gets a second backend service, configured like the stable one, on the canary's group, port and health check", () => {
      const backends = released.resources("google_compute_backend_service");
      expect(Object.values(backends).map((candidate: any) => candidate.name).sort()).toEqual(
        ["admin", "api", "api-canary", "home", "home-canary", "web", "web-canary"].map((name) => `shop-prod-${name}`),
      );
      services.forEach((service, index) => {
        if (!service.canary) return;
        const stable = backends[idOf(released, "google_compute_backend_service", (candidate) => candidate.name === `shop-prod-${service.name}`)];
        const canary = backends[idOf(released, "google_compute_backend_service", (candidate) => candidate.name === `shop-prod-${service.name}-canary`)];
        expect(canary).toEqual({
          ...stable,
          name: `shop-prod-${service.name}-canary`,
          description: `${service.name} canary behind the shop-prod load balancer`,
          port_name: service.canary.portName ?? service.portName,
          health_checks: [ref("google_compute_health_check", `canary-hc-${index}`, "id")],
          backend: [{ ...stable.backend[0], group: ref("google_compute_region_instance_group_manager", `canary-mig-${index}`, "instance_group") }],
        });
        // The stable backend keeps its name, group and check: starting a canary does not replace it.
        expect(stable).toMatchObject({ health_checks: [ref("google_compute_health_check", `hc-${index}`, "id")], backend: [{ group: ref("google_compute_region_instance_group_manager", `mig-${index}`, "instance_group") }] });
      });
      expect(attributes.canaryBackendServiceIds).toEqual({
        web: backend(released, "web-canary"),
        api: backend(released, "api-canary"),
        home: backend(released, "home-canary"),
      });
      expect(attributes.backendServiceIds.web).toBe(backend(released, "web"));
      expect(schemaProblems(released.json)).toEqual([]);
    });

    test("timeout, locality policy and connection draining apply to the canary backends too", () => {
      const { synth: custom } = synthLb(baseProps({ services, timeoutSeconds: 600, localityPolicy: "LEAST_REQUEST", connectionDrainingTimeoutSeconds: 60 }));
      const backends = Object.values(custom.resources("google_compute_backend_service"));
      expect(backends).toHaveLength(7);
      for (const candidate of backends) expect(candidate).toMatchObject({ timeout_sec: 600, locality_lb_policy: "LEAST_REQUEST", connection_draining_timeout_sec: 60 });
    });

    test("every route to a service with a canary splits by weight: host-only service, path rules on each host, the default service", () => {
      const map = routingMap(released);
      expect(map.host_rule).toEqual([
        { hosts: ["example.com", "www.example.com"], path_matcher: "web" },
        { hosts: ["admin.example.com"], path_matcher: expect.stringMatching(/^routes-/) },
        { hosts: ["*"], path_matcher: expect.stringMatching(/^routes-/) },
      ]);
      // default_service must be absent: next to it a route action may not carry weighted backends.
      expect(map.path_matcher).toEqual([
        { name: "web", default_route_action: weighted("web", 10) },
        {
          name: map.host_rule[1].path_matcher,
          default_route_action: weighted("home", 50),
          path_rule: [
            { paths: ["/admin/*"], service: backend(released, "admin") },
            { paths: ["/api/*"], route_action: weighted("api", 25) },
          ],
        },
        { name: map.host_rule[2].path_matcher, default_route_action: weighted("home", 50), path_rule: [{ paths: ["/api/*"], route_action: weighted("api", 25) }] },
      ]);
      expect(map.default_route_action).toEqual(weighted("home", 50));
      expect(map.default_service).toBeUndefined();
      expect(map.default_url_redirect).toBeUndefined();
    });

    test("a defaultService with a canary is weighted as the map's default, with or without HTTPS", () => {
      for (const certificateMapId of [MAP_ID, undefined]) {
        const { synth } = synthLb(
          baseProps({ certificateMapId, defaultService: "web", services: [{ name: "web", paths: ["/web/*"], portName: "http", canary: { weight: 5 } }] }),
        );
        const map = routingMap(synth);
        const split = {
          weighted_backend_services: [
            { backend_service: backend(synth, "web"), weight: 95 },
            { backend_service: backend(synth, "web-canary"), weight: 5 },
          ],
        };
        expect(map.default_route_action).toEqual(split);
        expect(map.default_service).toBeUndefined();
        expect(map.path_matcher).toEqual([{ name: expect.any(String), default_route_action: split, path_rule: [{ paths: ["/web/*"], route_action: split }] }]);
        expect(schemaProblems(synth.json)).toEqual([]);
      }
    });

    test("starting a canary changes the routing URL map and adds the canary backend, nothing else; the HTTP redirect map stays", () => {
      const { synth: plain } = synthLb(baseProps({ certificateMapId: MAP_ID, services: withoutCanaries }));
      expect(untouched(released)).toEqual(untouched(plain));
      const redirect = (synth: typeof released) => synth.resources("google_compute_url_map")[idOf(synth, "google_compute_url_map", (map) => map.name === "shop-prod-http-redirect")];
      expect(redirect(released)).toEqual(redirect(plain));
      // Host rules and path matcher names stay, so the map is updated in place.
      expect(routingMap(released).host_rule).toEqual(routingMap(plain).host_rule);
    });

    test("promoting or dropping it (the canary prop goes away) routes every request to the stable backends and removes the canary ones", () => {
      const { synth: afterwards, lb: afterAttributes } = synthLb(baseProps({ certificateMapId: MAP_ID, services: withoutCanaries }));
      const plain = (service: string) => backend(afterwards, service);
      const map = routingMap(afterwards);
      expect(map.path_matcher).toEqual([
        { name: "web", default_service: plain("web") },
        { name: map.host_rule[1].path_matcher, default_service: plain("home"), path_rule: [{ paths: ["/admin/*"], service: plain("admin") }, { paths: ["/api/*"], service: plain("api") }] },
        { name: map.host_rule[2].path_matcher, default_service: plain("home"), path_rule: [{ paths: ["/api/*"], service: plain("api") }] },
      ]);
      expect(map.default_service).toBe(plain("home"));
      expect(map.default_route_action).toBeUndefined();
      expect(Object.values(afterwards.resources("google_compute_backend_service")).map((candidate: any) => candidate.name).sort()).toEqual(
        ["admin", "api", "home", "web"].map((name) => `shop-prod-${name}`),
      );
      expect(afterAttributes.canaryBackendServiceIds).toEqual({});
      // The stable backends are the very ones the canary ran beside: nothing is replaced on the way back.
      expect(untouched(afterwards)).toEqual(untouched(released));
    });

    test("changing the weight changes only the routing URL map", () => {
      const reweighted = synthLb(baseProps({ certificateMapId: MAP_ID, services: services.map((service) => (service.canary ? { ...service, canary: { ...service.canary, weight: 30 } } : service)) })).synth;
      expect(reweighted.json.resource).toEqual({ ...released.json.resource, google_compute_url_map: reweighted.json.resource.google_compute_url_map });
      expect(routingMap(reweighted).path_matcher[0].default_route_action.weighted_backend_services.map((entry: any) => entry.weight)).toEqual([70, 30]);
    });

    const web = { name: "web", hostnames: ["example.com"], portName: "http" };
    it.each<[string, ServiceInput[], string]>([
      ["weight 0", [{ ...web, canary: { weight: 0 } }], "GcpLoadBalancer 'lb': services[0].canary.weight: 0 is out of range (an integer from 1 to 50: percent of the service's requests)"],
      ["weight 51", [{ ...web, canary: { weight: 51 } }], "GcpLoadBalancer 'lb': services[0].canary.weight: 51 is out of range (an integer from 1 to 50: percent of the service's requests)"],
      ["a fractional weight", [{ ...web, canary: { weight: 2.5 } }], "GcpLoadBalancer 'lb': services[0].canary.weight: 2.5 is out of range (an integer from 1 to 50: percent of the service's requests)"],
      [
        "a canary backend name that does not fit, though the stable one does",
        [{ ...web, name: "s".repeat(47), canary: { weight: 10 } }],
        `GcpLoadBalancer 'lb': services[0].canary: canary backend service name "shop-prod-${"s".repeat(47)}-canary" is 64 characters long ("<lb name>-<service name>-canary" at most 63: shorten the service name)`,
      ],
      [
        "a canary backend name that another service's backend has",
        [{ ...web, canary: { weight: 10 } }, { name: "web-canary", hostnames: ["next.example.com"], portName: "http" }],
        `GcpLoadBalancer 'lb': services[0].canary: canary backend service name "shop-prod-web-canary" is the backend service of services[1] (no service named "web-canary" next to a canary of "web")`,
      ],
      ["an empty canary instance group", [{ ...web, canary: { weight: 10, instanceGroup: "" } }], "GcpLoadBalancer 'lb': services[0].canary.instanceGroup: is empty (the instance_group URL of the canary's managed instance group)"],
      ["a bad canary port name", [{ ...web, canary: { weight: 10, portName: "HTTP" } }], `GcpLoadBalancer 'lb': services[0].canary.portName: "HTTP" is not a valid port name (the group's named port, e.g. "http")`],
      ["an empty canary health check", [{ ...web, canary: { weight: 10, healthCheckId: "" } }], "GcpLoadBalancer 'lb': services[0].canary.healthCheckId: is empty (the id of the canary backend's health check)"],
      [
        "the service's own group as the canary's",
        [{ ...web, instanceGroup: "projects/p/regions/r/instanceGroups/web", canary: { weight: 10, instanceGroup: "projects/p/regions/r/instanceGroups/web" } }],
        "GcpLoadBalancer 'lb': services[0].canary.instanceGroup: is the service's own instance group (the canary's own managed instance group)",
      ],
    ])("rejects %s", (_label, badServices, message) => {
      expect(() => synthLb(baseProps({ services: badServices }))).toThrow(new Error(message));
    });

    it("accepts the boundaries: weights 1 and 50, the longest service name that leaves room for -canary", () => {
      for (const weight of [1, 50]) expect(() => synthLb(baseProps({ services: [{ ...web, name: "s".repeat(46), canary: { weight } }] }))).not.toThrow();
    });
  });
});
