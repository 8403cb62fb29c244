/**
 * The deployment-shape examples (examples/<shape>/), synthesized on both clouds: each shape builds
 * what it promises and nothing it says it leaves out. (Offline plans of their AWS stacks:
 * test/slow/offline-plan.test.ts; their policy findings: test/stacks/shapes-policy.test.ts.)
 */
import { synthScenarioStacks } from "../support/example-stacks";
import { idOf, ref, Synthesized } from "../support/synth";

const stacks = synthScenarioStacks();
const stack = (key: string): Synthesized => {
  if (!stacks[key]) throw new Error(`no stack ${key} (have ${Object.keys(stacks).join(", ")})`);
  return stacks[key];
};
const count = (synth: Synthesized, type: string) => Object.keys(synth.resources(type)).length;

test("every shape synthesizes one stack per cloud", () => {
  expect(Object.keys(stacks).sort()).toEqual([
    "existing-network/aws-prod",
    "existing-network/gcp-prod",
    "external-dns/aws-prod",
    "external-dns/gcp-prod",
    "http-only/aws-dev",
    "http-only/gcp-dev",
    "nat-less/aws-dev",
    "nat-less/gcp-dev",
    "no-database/aws-dev",
    "no-database/gcp-dev",
    "routing/aws-dev",
    "routing/gcp-dev",
  ]);
});

describe("no database", () => {
  test("AWS: no RDS, no database tier, no grants or outputs for it", () => {
    const aws = stack("no-database/aws-dev");
    for (const type of ["aws_db_instance", "aws_db_subnet_group", "aws_db_parameter_group"]) expect(count(aws, type)).toBe(0);
    const policies = Object.values(aws.resources("aws_iam_role_policy")).map((policy: any) => policy.policy);
    expect(policies.join("\n")).not.toMatch(/secretsmanager/);
    const tiers = Object.values(aws.resources("aws_subnet")).map((subnet: any) => subnet.tags.Tier ?? subnet.tags.Name);
    expect(tiers.join(" ")).not.toMatch(/database/);
    expect(Object.keys(aws.outputs()).filter((name) => name.startsWith("database"))).toEqual([]);
  });

  test("GCP: no Cloud SQL, secret or private service access", () => {
    const gcp = stack("no-database/gcp-dev");
    for (const type of ["google_sql_database_instance", "google_secret_manager_secret", "google_service_networking_connection", "google_compute_global_address"]) {
      const expected = type === "google_compute_global_address" ? 1 : 0; // the load balancer's address only
      expect(count(gcp, type)).toBe(expected);
    }
    expect(Object.keys(gcp.outputs()).filter((name) => name.startsWith("sql") || name.startsWith("database"))).toEqual([]);
  });
});

describe("no domain: HTTP on the load balancer's own address", () => {
  test("AWS: no zone or certificate; port 80 routes /api/* to api and the rest to web", () => {
    const aws = stack("http-only/aws-dev");
    for (const type of ["aws_route53_zone", "aws_acm_certificate", "aws_acm_certificate_validation"]) expect(count(aws, type)).toBe(0);
    const listener = aws.only("aws_lb_listener");
    expect(listener).toMatchObject({ port: 80, protocol: "HTTP" });
    const targetGroup = (service: string) => ref("aws_lb_target_group", idOf(aws, "aws_lb_target_group", (group) => group.name.startsWith(`seed-dev-${service}-`)), "arn");
    expect(listener.default_action[0]).toMatchObject({ type: "forward", target_group_arn: targetGroup("web") });
    const rule = aws.only("aws_lb_listener_rule");
    expect(rule.condition).toEqual([{ path_pattern: { values: ["/api/*"] } }]);
    expect(rule.action[0].target_group_arn).toBe(targetGroup("api"));
    expect(aws.outputs().service_urls.value).toEqual({
      api: [`http://\${aws_lb.${idOf(aws, "aws_lb")}.dns_name}/api/`],
      web: [`http://\${aws_lb.${idOf(aws, "aws_lb")}.dns_name}`],
    });
  });

  test("GCP: no zone, certificate or HTTPS proxy; the HTTP proxy serves the routing map", () => {
    const gcp = stack("http-only/gcp-dev");
    for (const type of ["google_dns_managed_zone", "google_certificate_manager_certificate", "google_compute_target_https_proxy"]) expect(count(gcp, type)).toBe(0);
    const proxy = gcp.only("google_compute_target_http_proxy");
    const map = gcp.resources("google_compute_url_map")[proxy.url_map.match(/google_compute_url_map\.([^.]+)\.id/)[1]];
    const backend = (service: string) => ref("google_compute_backend_service", idOf(gcp, "google_compute_backend_service", (b) => b.name === `seed-dev-${service}`), "id");
    expect(map.default_service).toBe(backend("web"));
    const pathRules = map.path_matcher.flatMap((matcher: any) => matcher.path_rule ?? []);
    expect(pathRules).toContainEqual(expect.objectContaining({ paths: ["/api/*"], service: backend("api") }));
  });
});

describe("wildcard and path routing", () => {
  test("AWS: exact hosts first, then wildcard host + /api/*, then the wildcard host", () => {
    const aws = stack("routing/aws-dev");
    const rules = Object.values(aws.resources("aws_lb_listener_rule")).sort((a: any, b: any) => a.priority - b.priority);
    const conditions = rules.map((rule: any) =>
      rule.condition.map((condition: any) => Object.entries(condition).map(([key, value]: any) => `${key}=${value.values.join(",")}`)).join(" & "),
    );
    expect(conditions).toEqual([
      "host_header=admin.meething.example",
      "host_header=meething.example",
      "host_header=*.meething.example & path_pattern=/api/*",
      "host_header=*.meething.example",
    ]);
    const aliases = Object.values(aws.resources("aws_route53_record")).filter((record: any) => record.alias).map((record: any) => record.name);
    expect(aliases).toContain("*.meething.example");
    expect(aws.only("aws_acm_certificate")).toMatchObject({ domain_name: "meething.example", subject_alternative_names: ["*.meething.example"] });
  });

  test("GCP: a wildcard host rule with /api/* to api, a wildcard A record and a wildcard certificate", () => {
    const gcp = stack("routing/gcp-dev");
    const map = Object.values(gcp.resources("google_compute_url_map")).find((m: any) => m.host_rule) as any;
    const hosts = map.host_rule.flatMap((rule: any) => rule.hosts);
    expect(hosts).toEqual(expect.arrayContaining(["admin.meething.example", "*.meething.example", "meething.example"]));
    const wildcardMatcher = map.path_matcher.find((matcher: any) => matcher.name === map.host_rule.find((rule: any) => rule.hosts.includes("*.meething.example")).path_matcher);
    const backend = (service: string) => ref("google_compute_backend_service", idOf(gcp, "google_compute_backend_service", (b) => b.name === `meet-dev-${service}`), "id");
    expect(wildcardMatcher.default_service).toBe(backend("tenants"));
    expect(wildcardMatcher.path_rule).toContainEqual(expect.objectContaining({ paths: ["/api/*"], service: backend("api") }));
    const names = Object.values(gcp.resources("google_dns_record_set")).filter((record: any) => record.type === "A").map((record: any) => record.name);
    expect(names).toContain("*.meething.example.");
    const domains = Object.values(gcp.resources("google_certificate_manager_certificate")).flatMap((certificate: any) => certificate.managed.domains);
    expect(domains).toContain("*.meething.example");
  });
});

describe("external DNS", () => {
  test("AWS: no zone; the certificate waits for records created elsewhere; dns_records lists them", () => {
    const aws = stack("external-dns/aws-prod");
    expect(count(aws, "aws_route53_zone")).toBe(0);
    expect(count(aws, "aws_route53_record")).toBe(0);
    expect(aws.only("aws_acm_certificate_validation").validation_record_fqdns).toBeUndefined();
    const records = aws.outputs().dns_records.value;
    expect(records.slice(-2)).toEqual([
      { name: "shop.example.net", type: "ALIAS", value: `\${aws_lb.${idOf(aws, "aws_lb")}.dns_name}` },
      { name: "www.shop.example.net", type: "CNAME", value: `\${aws_lb.${idOf(aws, "aws_lb")}.dns_name}` },
    ]);
  });

  test("GCP: no zone; dns_records lists the DNS authorizations and A records", () => {
    const gcp = stack("external-dns/gcp-prod");
    expect(count(gcp, "google_dns_managed_zone")).toBe(0);
    expect(count(gcp, "google_dns_record_set")).toBe(0);
    const records = gcp.outputs().dns_records.value;
    expect(records.filter((record: any) => record.type === "A").map((record: any) => record.name)).toEqual(["shop.example.net", "www.shop.example.net"]);
    expect(records.filter((record: any) => record.type !== "A")).toHaveLength(2);
  });
});

describe("existing network", () => {
  test("AWS: nothing of the network is created; the subnets are used by id", () => {
    const aws = stack("existing-network/aws-prod");
    for (const type of ["aws_vpc", "aws_subnet", "aws_nat_gateway", "aws_route_table", "aws_default_security_group", "aws_flow_log", "aws_internet_gateway"]) {
      expect(count(aws, type)).toBe(0);
    }
    expect(aws.only("aws_lb").subnets).toEqual(["subnet-0a00000000000a001", "subnet-0a00000000000a002"]);
    for (const group of Object.values(aws.resources("aws_autoscaling_group"))) {
      expect((group as any).vpc_zone_identifier).toEqual(["subnet-0b00000000000b001", "subnet-0b00000000000b002"]);
    }
    expect(aws.only("aws_db_subnet_group").subnet_ids).toEqual(["subnet-0c00000000000c001", "subnet-0c00000000000c002"]);
  });

  test("GCP: no network, subnetwork, NAT or peering; firewall rules land on the existing network", () => {
    const gcp = stack("existing-network/gcp-prod");
    for (const type of ["google_compute_network", "google_compute_subnetwork", "google_compute_router", "google_compute_router_nat", "google_service_networking_connection"]) {
      expect(count(gcp, type)).toBe(0);
    }
    for (const rule of Object.values(gcp.resources("google_compute_firewall"))) {
      expect((rule as any).network).toMatch(/shared-vpc$/);
    }
    expect(gcp.only("google_sql_database_instance").depends_on).toBeUndefined();
  });
});

describe("NAT-less", () => {
  test("AWS: no NAT gateways or private tier; instances in the public subnets with public IPs, admitting only the load balancer", () => {
    const aws = stack("nat-less/aws-dev");
    expect(count(aws, "aws_nat_gateway")).toBe(0);
    expect(count(aws, "aws_eip")).toBe(0);
    const template = aws.only("aws_launch_template");
    expect(template.network_interfaces[0].associate_public_ip_address).toBe("true");
    const publicSubnets = Object.entries(aws.resources("aws_subnet"))
      .filter(([, subnet]: any) => /public/.test(subnet.tags.Name))
      .map(([id]) => ref("aws_subnet", id, "id"))
      .sort();
    expect([...aws.only("aws_autoscaling_group").vpc_zone_identifier].sort()).toEqual(publicSubnets);
    const ingress = Object.values(aws.resources("aws_vpc_security_group_ingress_rule")).filter(
      (rule: any) => rule.security_group_id === template.network_interfaces[0].security_groups[0],
    );
    expect(ingress).toHaveLength(1);
    expect((ingress[0] as any).referenced_security_group_id).toMatch(/^\$\{aws_security_group\..*alb.*\.id\}$|^\$\{aws_security_group\..*load-balancer.*\.id\}$/);
  });

  test("GCP: no Cloud NAT; instances with external IPs", () => {
    const gcp = stack("nat-less/gcp-dev");
    expect(count(gcp, "google_compute_router_nat")).toBe(0);
    expect(gcp.only("google_compute_instance_template").network_interface[0].access_config).toEqual([{}]);
  });
});
