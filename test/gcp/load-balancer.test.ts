import { createHash } from "crypto";
import { TerraformOutput } from "cdktf";
import { ComputeHealthCheck } from "@cdktf/provider-google/lib/compute-health-check";
import { ComputeRegionInstanceGroupManager } from "@cdktf/provider-google/lib/compute-region-instance-group-manager";
import {
  certificateName,
  GcpLoadBalancedService,
  GcpLoadBalancer,
  GcpLoadBalancerProps,
} from "../../constructs/gcp/load-balancer";
import { idOf, ref, synthWith } from "../support/synth";

type ServiceInput = Omit<GcpLoadBalancedService, "instanceGroup" | "healthCheckId"> & Partial<GcpLoadBalancedService>;
type Props = Omit<GcpLoadBalancerProps, "services"> & { services: ServiceInput[] };

const SERVICES: ServiceInput[] = [
  { name: "web", hostnames: ["example.com", "www.example.com"], portName: "http" },
  { name: "api", hostnames: ["api.example.com"], portName: "api" },
];

function baseProps(overrides: Partial<Props> = {}): Props {
  return { name: "shop-prod", services: SERVICES, ...overrides };
}

/**
 * Synthesizes the load balancer next to one instance group manager ("mig-<index>") and health check
 * ("hc-<index>") per service, unless a service brings its own values; `lb` holds its attributes as
 * rendered in Terraform.
 */
function synthLb(props: Props) {
  const synth = synthWith("gcp", (scope) => {
    const services = props.services.map((service, index) => {
      const healthCheck = new ComputeHealthCheck(scope, `hc-${index}`, {
        name: `hc-${index}`,
        httpHealthCheck: { port: 8080, requestPath: "/healthz" },
      });
      const group = new ComputeRegionInstanceGroupManager(scope, `mig-${index}`, {
        name: `mig-${index}`,
        baseInstanceName: `mig-${index}`,
        region: "europe-west1",
        version: [{ instanceTemplate: "projects/test-project/global/instanceTemplates/t" }],
      });
      return { instanceGroup: group.instanceGroup, healthCheckId: healthCheck.id, ...service } as GcpLoadBalancedService;
    });
    const lb = new GcpLoadBalancer(scope, "lb", { ...props, services });
    const { ipAddress, backendServiceIds, urlMapId, certificateName: name, domains } = lb;
    new TerraformOutput(scope, "attributes", { value: { ipAddress, backendServiceIds, urlMapId, certificateName: name, domains } });
  });
  return { synth, lb: synth.outputs().attributes.value };
}

const hashOf = (domains: string[]) => createHash("sha256").update([...domains].sort().join("\n")).digest("hex").slice(0, 8);

describe("GcpLoadBalancer", () => {
  const { synth, lb } = synthLb(baseProps());
  const addressId = idOf(synth, "google_compute_global_address");
  const certId = idOf(synth, "google_compute_managed_ssl_certificate");
  const policyId = idOf(synth, "google_compute_ssl_policy");
  const httpsMapId = idOf(synth, "google_compute_url_map", (map) => map.name === "shop-prod-https");
  const redirectMapId = idOf(synth, "google_compute_url_map", (map) => map.name === "shop-prod-http-redirect");
  const httpsProxyId = idOf(synth, "google_compute_target_https_proxy");
  const httpProxyId = idOf(synth, "google_compute_target_http_proxy");
  const backendId = (service: string) => idOf(synth, "google_compute_backend_service", (backend) => backend.name === `shop-prod-${service}`);
  // Each service's group and health check are built at its index in SERVICES.
  const indexOf = (service: string) => SERVICES.findIndex((candidate) => candidate.name === service);

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

  test("the HTTPS proxy serves the managed certificate under the SSL policy and routes with the host URL map", () => {
    expect(synth.only("google_compute_target_https_proxy")).toMatchObject({
      name: "shop-prod-https",
      url_map: ref("google_compute_url_map", httpsMapId, "id"),
      ssl_certificates: [ref("google_compute_managed_ssl_certificate", certId, "id")],
      ssl_policy: ref("google_compute_ssl_policy", policyId, "id"),
    });
    expect(lb.urlMapId).toBe(ref("google_compute_url_map", httpsMapId, "id"));
  });

  test("the managed certificate lists every hostname, sorted, under a name hashed from them, and is replaced before it is destroyed", () => {
    const domains = ["api.example.com", "example.com", "www.example.com"];
    const name = `shop-prod-cert-${hashOf(domains)}`;
    expect(synth.only("google_compute_managed_ssl_certificate")).toMatchObject({
      name,
      type: "MANAGED",
      managed: { domains },
      lifecycle: { create_before_destroy: true },
    });
    expect(lb.certificateName).toBe(name);
    expect(lb.domains).toEqual(domains);
    expect(name).toMatch(/^shop-prod-cert-[0-9a-f]{8}$/);
  });

  test("the certificate name changes with the domains and not with their order", () => {
    const nameFor = (services: ServiceInput[]) => synthLb(baseProps({ services })).lb.certificateName;
    const original = nameFor(SERVICES);
    const reordered = nameFor([
      { name: "api", hostnames: ["api.example.com"], portName: "api" },
      { name: "web", hostnames: ["www.example.com", "example.com"], portName: "http" },
    ]);
    const added = nameFor([SERVICES[0], { ...SERVICES[1], hostnames: ["api.example.com", "api2.example.com"] }]);
    const removed = nameFor([{ ...SERVICES[0], hostnames: ["example.com"] }, SERVICES[1]]);
    expect(reordered).toBe(original);
    expect(added).not.toBe(original);
    expect(removed).not.toBe(original);
    expect(new Set([original, added, removed]).size).toBe(3);
    // The exported helper gives the same name the construct uses.
    expect(certificateName("shop-prod", ["www.example.com", "example.com", "api.example.com"])).toBe(original);
  });

  test("hostnames are compared and listed in lower case without a trailing dot", () => {
    const { synth: normalized, lb: attributes } = synthLb(
      baseProps({ services: [{ name: "web", hostnames: ["WWW.Example.com.", "example.com"], portName: "http" }] }),
    );
    expect(attributes.domains).toEqual(["example.com", "www.example.com"]);
    expect(normalized.only("google_compute_managed_ssl_certificate").managed.domains).toEqual(["example.com", "www.example.com"]);
    expect(attributes.certificateName).toBe(certificateName("shop-prod", ["example.com", "www.example.com"]));
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
    const { synth: strict } = synthLb(baseProps({ minTlsVersion: "TLS_1_3" }));
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
      ["no hostnames", { services: [{ ...web, hostnames: [] }] }, "GcpLoadBalancer 'lb': services[0].hostnames: is empty (at least one host name)"],
      ["wildcard hostname", { services: [{ ...web, hostnames: ["*.example.com"] }] }, `GcpLoadBalancer 'lb': services[0].hostnames[0]: "*.example.com" is a wildcard (exact DNS names only: Google-managed certificates do not cover wildcards)`],
      ["hostname with a space", { services: [web, { ...api, hostnames: ["api example.com"] }] }, `GcpLoadBalancer 'lb': services[1].hostnames[0]: "api example.com" is not a DNS name (a fully qualified name such as api.example.com)`],
      ["single-label hostname", { services: [{ ...web, hostnames: ["localhost"] }] }, `services[0].hostnames[0]: "localhost" is not a DNS name`],
      ["label too long", { services: [{ ...web, hostnames: [`${"a".repeat(64)}.example.com`] }] }, "is not a DNS name"],
      ["URL instead of hostname", { services: [{ ...web, hostnames: ["https://example.com"] }] }, `services[0].hostnames[0]: "https://example.com" is not a DNS name`],
      ["hostname in two services", { services: [web, { ...api, hostnames: ["api.example.com", "WWW.example.com"] }] }, `GcpLoadBalancer 'lb': services[1].hostnames[1]: "www.example.com" is already routed to service "web" (unique host names across services)`],
      ["hostname twice in one service", { services: [{ ...web, hostnames: ["example.com", "example.com."] }] }, `services[0].hostnames[1]: "example.com" is already routed to service "web"`],
      [
        "more hostnames than a certificate holds",
        { services: [{ ...web, hostnames: Array.from({ length: 101 }, (_, i) => `h${i}.example.com`) }] },
        "GcpLoadBalancer 'lb': services: 101 host names in total (at most 100, the limit of one Google-managed certificate)",
      ],
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
});
