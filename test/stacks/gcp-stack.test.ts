/**
 * The GCP stacks of the example environments: composition and wiring. There is no Google
 * provider binary on the build machines, so these references are the check that the pieces
 * are connected (forwarding rule → proxy → URL map → backend → instance group → template).
 */
import { synthExampleStacks } from "../support/example-stacks";
import { Synthesized, idOf, ref } from "../support/synth";

const stacks = synthExampleStacks();
const prod = stacks["gcp-prod"];
const dev = stacks["gcp-dev"];

const byName = (stack: Synthesized, type: string, name: string) => idOf(stack, type, (resource) => resource.name === name);

describe("gcp-prod", () => {
  test("provider project, region and labels come from the spec; state is local by default", () => {
    expect(prod.json.provider.google).toEqual([
      {
        project: "example-web-prod",
        region: "europe-west1",
        default_labels: { project: "web", environment: "prod", stack: "gcp-prod", managed_by: "cdktf" },
      },
    ]);
    expect(prod.json.terraform.backend).toEqual({ local: { path: "../../../terraform.gcp-prod.tfstate" } });
  });

  test("custom-mode VPC with one regional subnet, Cloud NAT and private service access", () => {
    const network = idOf(prod, "google_compute_network");
    expect(prod.only("google_compute_network").auto_create_subnetworks).toBe(false);
    expect(prod.only("google_compute_subnetwork")).toMatchObject({
      ip_cidr_range: "10.50.0.0/20",
      region: "europe-west1",
      private_ip_google_access: true,
      network: ref("google_compute_network", network, "id"),
    });
    expect(prod.only("google_compute_subnetwork").log_config).toBeDefined();
    expect(prod.only("google_compute_router_nat").log_config).toEqual({ enable: true, filter: "ERRORS_ONLY" });
    const reserved = idOf(prod, "google_compute_global_address", (address) => address.purpose === "VPC_PEERING");
    expect(prod.resources("google_compute_global_address")[reserved]).toMatchObject({ address: "10.51.0.0", prefix_length: 16 });
    expect(prod.only("google_service_networking_connection").reserved_peering_ranges).toEqual([
      ref("google_compute_global_address", reserved, "name"),
    ]);
  });

  test("health-check firewall rules admit only Google's ranges, to each service's tag and port, on this VPC", () => {
    const rules = Object.values(prod.resources("google_compute_firewall"));
    expect(rules.map((rule: any) => [rule.target_tags, rule.allow[0].ports]).sort()).toEqual([
      [["web-prod-api"], ["3000"]],
      [["web-prod-chat"], ["3000"]],
      [["web-prod-config"], ["8888"]],
    ]);
    for (const rule of rules) {
      expect(rule.source_ranges).toEqual(["130.211.0.0/22", "35.191.0.0/16"]);
      expect(rule.network).toBe(ref("google_compute_network", idOf(prod, "google_compute_network"), "id"));
    }
    expect(JSON.stringify(prod.json)).not.toContain("0.0.0.0/0");
  });

  test("each service: template → MIG (auto-healing on its health check) → autoscaler, tagged for its firewall rule", () => {
    const services = [
      ["api", 3000, 2, 6, "e2-medium"],
      ["chat", 3000, 2, 4, "e2-medium"],
      ["config", 8888, 2, 2, "e2-small"],
    ] as const;
    for (const [service, port, min, max, machineType] of services) {
      const name = `web-prod-${service}`;
      const template = idOf(prod, "google_compute_instance_template", (t) => t.name_prefix === `${name}-`);
      // The group's name carries a hash of its zones, so a zone change can create the new group first.
      const group = byName(prod, "google_compute_region_instance_group_manager", `${name}-358b5f`);
      const healthCheck = byName(prod, "google_compute_health_check", `${name}-hc`);
      expect(prod.resources("google_compute_instance_template")[template]).toMatchObject({
        machine_type: machineType,
        tags: [name],
        shielded_instance_config: { enable_secure_boot: true, enable_vtpm: true, enable_integrity_monitoring: true },
        metadata: expect.objectContaining({ "block-project-ssh-keys": "true" }),
      });
      expect(prod.resources("google_compute_instance_template")[template].network_interface[0].access_config).toBeUndefined();
      expect(prod.resources("google_compute_region_instance_group_manager")[group]).toMatchObject({
        distribution_policy_zones: ["europe-west1-b", "europe-west1-c", "europe-west1-d"],
        named_port: [{ name: "http", port }],
        auto_healing_policies: { health_check: ref("google_compute_health_check", healthCheck, "id"), initial_delay_sec: 300 },
        update_policy: expect.objectContaining({ type: "PROACTIVE", max_surge_fixed: 3, max_unavailable_fixed: 0 }),
      });
      expect(prod.resources("google_compute_region_instance_group_manager")[group].version[0].instance_template).toBe(
        ref("google_compute_instance_template", template, "self_link_unique"),
      );
      const autoscaler = byName(prod, "google_compute_region_autoscaler", name);
      expect(prod.resources("google_compute_region_autoscaler")[autoscaler]).toMatchObject({
        target: ref("google_compute_region_instance_group_manager", group, "id"),
        autoscaling_policy: expect.objectContaining({ min_replicas: min, max_replicas: max, cpu_utilization: { target: 0.6 } }),
      });
      expect(prod.resources("google_compute_health_check")[healthCheck].http_health_check).toEqual({
        port,
        request_path: service === "chat" ? "/actuator/health" : "/health",
      });
    }
  });

  test("HTTPS load balancer: one IP, 443 → HTTPS proxy (certificate map, TLS ≥ 1.2) → host rules → backends; 80 redirects", () => {
    const address = idOf(prod, "google_compute_global_address", (a) => a.address_type === "EXTERNAL");
    const https = idOf(prod, "google_compute_target_https_proxy");
    const http = idOf(prod, "google_compute_target_http_proxy");
    const rules = Object.values(prod.resources("google_compute_global_forwarding_rule"));
    expect(rules.map((rule: any) => [rule.port_range, rule.target]).sort()).toEqual([
      ["443", ref("google_compute_target_https_proxy", https, "id")],
      ["80", ref("google_compute_target_http_proxy", http, "id")],
    ]);
    for (const rule of rules) {
      expect(rule.ip_address).toBe(ref("google_compute_global_address", address, "address"));
      expect(rule.load_balancing_scheme).toBe("EXTERNAL_MANAGED");
    }
    // Certificate Manager: one certificate per hostname, so a hostname change never swaps the live one.
    const certificates = Object.values(prod.resources("google_certificate_manager_certificate"));
    expect(certificates.map((certificate: any) => certificate.managed.domains).sort()).toEqual([
      ["api.example.com"],
      ["chat.example.com"],
      ["config.example.com"],
      ["www.example.com"],
    ]);
    expect(prod.resources("google_compute_managed_ssl_certificate")).toEqual({});
    expect(prod.only("google_compute_ssl_policy")).toMatchObject({ min_tls_version: "TLS_1_2" });
    const proxy = prod.resources("google_compute_target_https_proxy")[https];
    expect(proxy.certificate_map).toBe(
      `//certificatemanager.googleapis.com/\${google_certificate_manager_certificate_map.${idOf(prod, "google_certificate_manager_certificate_map")}.id}`,
    );
    expect(proxy.ssl_certificates).toBeUndefined();
    const urlMap = byName(prod, "google_compute_url_map", "web-prod-https");
    expect(proxy.url_map).toBe(ref("google_compute_url_map", urlMap, "id"));
    const map = prod.resources("google_compute_url_map")[urlMap];
    const backendOf = (service: string) => ref("google_compute_backend_service", byName(prod, "google_compute_backend_service", `web-prod-${service}`), "id");
    const routed = Object.fromEntries(
      map.host_rule.flatMap((rule: any) => rule.hosts.map((host: string) => [host, map.path_matcher.find((m: any) => m.name === rule.path_matcher).default_service])),
    );
    expect(routed).toEqual({
      "api.example.com": backendOf("api"),
      "www.example.com": backendOf("api"),
      "chat.example.com": backendOf("chat"),
      "config.example.com": backendOf("config"),
    });
    const redirect = prod.resources("google_compute_url_map")[byName(prod, "google_compute_url_map", "web-prod-http-redirect")];
    expect(redirect.default_url_redirect).toMatchObject({ https_redirect: true, redirect_response_code: "MOVED_PERMANENTLY_DEFAULT" });
  });

  test("backends keep websockets open for the spec's idle timeout and balance by least request", () => {
    for (const service of ["api", "chat", "config"]) {
      const backend = prod.resources("google_compute_backend_service")[byName(prod, "google_compute_backend_service", `web-prod-${service}`)];
      expect(backend).toMatchObject({
        load_balancing_scheme: "EXTERNAL_MANAGED",
        timeout_sec: 3600,
        locality_lb_policy: "LEAST_REQUEST",
        log_config: { enable: true, sample_rate: 1 },
        port_name: "http",
      });
      expect(backend.backend[0].group).toBe(
        ref("google_compute_region_instance_group_manager", byName(prod, "google_compute_region_instance_group_manager", `web-prod-${service}-358b5f`), "instance_group"),
      );
    }
  });

  test("Cloud SQL: private IP only, SSL enforced, REGIONAL, protected twice, after the peering", () => {
    const instance = prod.only("google_sql_database_instance");
    expect(instance).toMatchObject({
      database_version: "MYSQL_8_4",
      deletion_protection: true,
      depends_on: [`google_service_networking_connection.${idOf(prod, "google_service_networking_connection")}`],
    });
    expect(instance.settings).toMatchObject({
      tier: "db-custom-2-7680",
      availability_type: "REGIONAL",
      deletion_protection_enabled: true,
      disk_autoresize: true,
      disk_autoresize_limit: 500,
      disk_size: 50,
      ip_configuration: {
        ipv4_enabled: false,
        ssl_mode: "ENCRYPTED_ONLY",
        private_network: ref("google_compute_network", idOf(prod, "google_compute_network"), "id"),
      },
      backup_configuration: expect.objectContaining({ enabled: true, binary_log_enabled: true }),
    });
    expect(instance.settings.backup_configuration.backup_retention_settings.retained_backups).toBe(14);
    // The password is ephemeral and write-only (test/stacks/secrets.test.ts): never in state or plans.
    const password = ref("ephemeral.random_password", Object.keys(prod.json.ephemeral.random_password)[0], "result");
    expect(prod.only("google_sql_user")).toMatchObject({ password_wo: password, password_wo_version: 1 });
    expect(prod.only("google_secret_manager_secret_version")).toMatchObject({ secret_data_wo: password, secret_data_wo_version: 1 });
  });

  test("each service's service account may read the password secret, and only that secret", () => {
    const grants = Object.values(prod.resources("google_secret_manager_secret_iam_member"));
    const secret = ref("google_secret_manager_secret", idOf(prod, "google_secret_manager_secret"), "id");
    expect(grants.map((grant: any) => grant.member).sort()).toEqual(
      ["api", "chat", "config"].map((service) =>
        ref("google_service_account", idOf(prod, "google_service_account", (account) => account.account_id === `web-prod-${service}-vm`), "member"),
      ).sort(),
    );
    for (const grant of grants) {
      expect(grant).toMatchObject({ secret_id: secret, role: "roles/secretmanager.secretAccessor" });
    }
  });

  test("Cloud DNS zone with DNSSEC and an A record per hostname → the load balancer IP", () => {
    expect(prod.only("google_dns_managed_zone")).toMatchObject({ dns_name: "example.com.", dnssec_config: { state: "on" } });
    const address = ref("google_compute_global_address", idOf(prod, "google_compute_global_address", (a) => a.address_type === "EXTERNAL"), "address");
    const all = Object.values(prod.resources("google_dns_record_set"));
    const records = all.filter((record: any) => record.type === "A");
    expect(records.map((record: any) => record.name).sort()).toEqual(["api.example.com.", "chat.example.com.", "config.example.com.", "www.example.com."]);
    // The rest are Certificate Manager's DNS authorizations, one CNAME per hostname, in the same zone.
    const authorizations = all.filter((record: any) => record.type !== "A");
    expect(authorizations).toHaveLength(4);
    for (const record of authorizations) {
      expect(record).toMatchObject({ type: "CNAME", managed_zone: ref("google_dns_managed_zone", idOf(prod, "google_dns_managed_zone"), "name") });
      expect(record.rrdatas[0]).toMatch(/^\$\{google_certificate_manager_dns_authorization\..*\.dns_resource_record\[0\]\.data\}$/);
    }
    for (const record of records) {
      expect(record).toMatchObject({ type: "A", rrdatas: [address] });
      expect(record.managed_zone).toBe(ref("google_dns_managed_zone", idOf(prod, "google_dns_managed_zone"), "name"));
    }
  });

  test("outputs: IP, URLs, registrar name servers, SQL connection name and private IP, the password's secret", () => {
    expect(Object.keys(prod.outputs()).sort()).toEqual([
      "database_password_secret",
      "dns_zone_name",
      "load_balancer_ip",
      "name_servers",
      "service_urls",
      "sql_connection_name",
      "sql_private_ip",
    ]);
    expect(prod.outputs().name_servers.value).toBe(
      `\${[for ns in google_dns_managed_zone.${idOf(prod, "google_dns_managed_zone")}.name_servers : trimsuffix(ns, ".")]}`,
    );
    expect(prod.outputs().database_password_secret.value).toBe(ref("google_secret_manager_secret", idOf(prod, "google_secret_manager_secret"), "id"));
    for (const output of Object.values(prod.outputs())) {
      expect(output.description ?? "").not.toContain("${");
    }
  });
});

describe("gcp-dev", () => {
  test("dev.example.com is delegated from prod's example.com zone, in the prod project, by an NS record set", () => {
    const zone = idOf(dev, "google_dns_managed_zone");
    const delegation = Object.values(dev.resources("google_dns_record_set")).find((record: any) => record.type === "NS");
    expect(delegation).toMatchObject({
      name: "dev.example.com.",
      type: "NS",
      managed_zone: "web-prod-zone",
      project: "example-web-prod",
      rrdatas: ref("google_dns_managed_zone", zone, "name_servers"),
    });
    expect(Object.keys(dev.outputs())).not.toContain("name_servers");
  });

  test("is zonal, destroyable and spreads over its two zones", () => {
    const instance = dev.only("google_sql_database_instance");
    expect(instance.deletion_protection).toBe(false);
    expect(instance.settings).toMatchObject({ availability_type: "ZONAL", deletion_protection_enabled: false });
    for (const group of Object.values(dev.resources("google_compute_region_instance_group_manager"))) {
      expect(group.distribution_policy_zones).toEqual(["europe-west1-b", "europe-west1-c"]);
      expect(group.update_policy.max_surge_fixed).toBe(2);
    }
    expect(dev.only("google_compute_subnetwork").log_config).toBeUndefined();
  });
});
