import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { TerraformOutput } from "cdktf";
import { Connectable } from "../../constructs/aws/connections";
import { InstanceGroup } from "../../constructs/aws/instance-group";
import { LoadBalancer, LoadBalancerProps } from "../../constructs/aws/load-balancer";
import { idOf, ref, synthWith } from "../support/synth";

const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100";

function baseProps(overrides: Partial<LoadBalancerProps> = {}): LoadBalancerProps {
  return {
    name: "shop-prod",
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-aaaa", "subnet-bbbb"],
    certificateArn: CERT,
    services: [
      { name: "web", hostnames: ["example.com", "www.example.com"], port: 8080, healthCheck: { path: "/healthz" } },
      { name: "api", hostnames: ["api.example.com"], port: 9000, healthCheck: { path: "/ready", port: 9001, matcher: "200" } },
    ],
    ...overrides,
  };
}

/** Synthesizes the construct; `lb` holds its attributes as rendered in Terraform (through outputs). */
function synthLb(props: LoadBalancerProps) {
  const synth = synthWith("aws", (scope) => {
    const lb = new LoadBalancer(scope, "lb", props);
    const { arn, dnsName, zoneId, securityGroupId, httpsListenerArn, httpListenerArn, targetGroupArns, canaryTargetGroupArns } = lb;
    new TerraformOutput(scope, "attributes", {
      value: { arn, dnsName, zoneId, securityGroupId, httpsListenerArn, httpListenerArn, targetGroupArns, canaryTargetGroupArns },
    });
  });
  return { synth, lb: synth.outputs().attributes.value };
}

describe("LoadBalancer", () => {
  test("an internet-facing ALB with secure defaults in the given subnets, behind its own security group", () => {
    const { synth } = synthLb(baseProps());
    const sgId = idOf(synth, "aws_security_group");
    expect(synth.only("aws_lb")).toEqual({
      name: "shop-prod",
      load_balancer_type: "application",
      internal: false,
      ip_address_type: "ipv4",
      subnets: ["subnet-aaaa", "subnet-bbbb"],
      security_groups: [ref("aws_security_group", sgId, "id")],
      drop_invalid_header_fields: true,
      idle_timeout: 60,
      enable_deletion_protection: true,
      tags: { Name: "shop-prod" },
    });
    const sg = synth.only("aws_security_group");
    expect(sg).toMatchObject({ name: "shop-prod-alb", vpc_id: "vpc-0123456789abcdef0", tags: { Name: "shop-prod-alb" } });
    // No inline rules: inline and standalone rules fight each other.
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
  });

  test("ingress 80 and 443 from 0.0.0.0/0 by default, on the ALB's security group, and no egress rule", () => {
    const { synth } = synthLb(baseProps());
    const sgRef = ref("aws_security_group", idOf(synth, "aws_security_group"), "id");
    const rules = Object.values(synth.resources("aws_vpc_security_group_ingress_rule"));
    expect(rules).toHaveLength(2);
    for (const port of [80, 443]) {
      expect(rules).toContainEqual(
        expect.objectContaining({ security_group_id: sgRef, ip_protocol: "tcp", from_port: port, to_port: port, cidr_ipv4: "0.0.0.0/0" }),
      );
    }
    expect(synth.resources("aws_vpc_security_group_egress_rule")).toEqual({});
  });

  test("ingressCidrs replaces the open default, one rule per port and range", () => {
    const { synth } = synthLb(baseProps({ ingressCidrs: ["203.0.113.0/24", "198.51.100.0/24"] }));
    const rules = Object.values(synth.resources("aws_vpc_security_group_ingress_rule"));
    expect(rules).toHaveLength(4);
    expect(rules.map((rule: any) => `${rule.cidr_ipv4}:${rule.from_port}`).sort()).toEqual(
      ["198.51.100.0/24:443", "198.51.100.0/24:80", "203.0.113.0/24:443", "203.0.113.0/24:80"],
    );
  });

  test("HTTP:80 redirects permanently to HTTPS:443", () => {
    const { synth, lb } = synthLb(baseProps());
    const albId = idOf(synth, "aws_lb");
    const httpId = idOf(synth, "aws_lb_listener", (listener) => listener.port === 80);
    expect(synth.resources("aws_lb_listener")[httpId]).toEqual({
      load_balancer_arn: ref("aws_lb", albId, "arn"),
      port: 80,
      protocol: "HTTP",
      default_action: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } }],
      tags: { Name: "shop-prod-http" },
    });
    expect(lb.httpListenerArn).toBe(ref("aws_lb_listener", httpId, "arn"));
  });

  test("HTTPS:443 serves the certificate with the TLS 1.3 policy and answers 404 to unknown hosts", () => {
    const { synth, lb } = synthLb(baseProps());
    const httpsId = idOf(synth, "aws_lb_listener", (listener) => listener.port === 443);
    expect(synth.resources("aws_lb_listener")[httpsId]).toEqual({
      load_balancer_arn: ref("aws_lb", idOf(synth, "aws_lb"), "arn"),
      port: 443,
      protocol: "HTTPS",
      certificate_arn: CERT,
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      default_action: [{ type: "fixed-response", fixed_response: { content_type: "text/plain", status_code: "404", message_body: "Not Found" } }],
      tags: { Name: "shop-prod-https" },
    });
    expect(lb.httpsListenerArn).toBe(ref("aws_lb_listener", httpsId, "arn"));
  });

  test("the listener references a certificate ARN coming from another resource", () => {
    const synth = synthWith("aws", (scope) => {
      const validation = new AcmCertificateValidation(scope, "cert", { certificateArn: CERT });
      new LoadBalancer(scope, "lb", baseProps({ certificateArn: validation.certificateArn }));
    });
    const https = Object.values(synth.resources("aws_lb_listener")).find((listener: any) => listener.port === 443);
    const validationId = idOf(synth, "aws_acm_certificate_validation");
    expect(https.certificate_arn).toBe(ref("aws_acm_certificate_validation", validationId, "certificate_arn"));
  });

  test("one HTTP instance target group per service with its health check, algorithm and deregistration delay", () => {
    const { synth, lb } = synthLb(baseProps());
    const groups = synth.resources("aws_lb_target_group");
    expect(Object.keys(groups)).toHaveLength(2);
    const webId = idOf(synth, "aws_lb_target_group", (group) => group.name === "shop-prod-web-8080");
    const apiId = idOf(synth, "aws_lb_target_group", (group) => group.name === "shop-prod-api-9000");
    expect(groups[webId]).toEqual({
      name: "shop-prod-web-8080",
      vpc_id: "vpc-0123456789abcdef0",
      target_type: "instance",
      protocol: "HTTP",
      port: 8080,
      load_balancing_algorithm_type: "round_robin",
      deregistration_delay: "30",
      health_check: {
        enabled: true,
        protocol: "HTTP",
        path: "/healthz",
        port: "traffic-port",
        matcher: "200-399",
        interval: 15,
        timeout: 5,
        healthy_threshold: 2,
        unhealthy_threshold: 3,
      },
      tags: { Name: "shop-prod-web-8080" },
      // the port is in the name, so a port change can create the new group first
      lifecycle: { create_before_destroy: true },
    });
    expect(groups[apiId]).toMatchObject({ port: 9000, health_check: { path: "/ready", port: "9001", matcher: "200" } });
    expect(lb.targetGroupArns).toEqual({
      web: ref("aws_lb_target_group", webId, "arn"),
      api: ref("aws_lb_target_group", apiId, "arn"),
    });
  });

  test("algorithm, idle timeout, deletion protection, TLS policy and deregistration delay are configurable", () => {
    const props = baseProps({
      algorithm: "least_outstanding_requests",
      idleTimeoutSeconds: 3600,
      deletionProtection: false,
      sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06",
    });
    const services = [{ ...props.services[0], deregistrationDelaySeconds: 0 }];
    const { synth } = synthLb({ ...props, services });
    expect(synth.only("aws_lb")).toMatchObject({ idle_timeout: 3600, enable_deletion_protection: false });
    expect(synth.only("aws_lb_target_group")).toMatchObject({
      load_balancing_algorithm_type: "least_outstanding_requests",
      deregistration_delay: "0",
    });
    const https = Object.values(synth.resources("aws_lb_listener")).find((listener: any) => listener.port === 443);
    expect(https.ssl_policy).toBe("ELBSecurityPolicy-TLS13-1-3-2021-06");
  });

  test("one host-header rule per service on the HTTPS listener, forwarding to its target group, priorities by order", () => {
    const { synth } = synthLb(baseProps());
    const httpsArn = ref("aws_lb_listener", idOf(synth, "aws_lb_listener", (listener) => listener.port === 443), "arn");
    const rules = Object.values(synth.resources("aws_lb_listener_rule"));
    expect(rules).toHaveLength(2);
    const webGroup = idOf(synth, "aws_lb_target_group", (group) => group.name === "shop-prod-web-8080");
    const apiGroup = idOf(synth, "aws_lb_target_group", (group) => group.name === "shop-prod-api-9000");
    expect(rules).toContainEqual({
      listener_arn: httpsArn,
      priority: 10,
      action: [{ type: "forward", target_group_arn: ref("aws_lb_target_group", webGroup, "arn") }],
      condition: [{ host_header: { values: ["example.com", "www.example.com"] } }],
      tags: { Name: "shop-prod-web-0" },
    });
    expect(rules).toContainEqual({
      listener_arn: httpsArn,
      priority: 20,
      action: [{ type: "forward", target_group_arn: ref("aws_lb_target_group", apiGroup, "arn") }],
      condition: [{ host_header: { values: ["api.example.com"] } }],
      tags: { Name: "shop-prod-api-0" },
    });
  });

  test("more than 5 hostnames are split over several rules (ALB limit), with consecutive priorities", () => {
    const hostnames = Array.from({ length: 12 }, (_, index) => `h${index}.example.com`);
    const { synth } = synthLb(baseProps({ services: [{ name: "web", hostnames, port: 80, healthCheck: { path: "/" } }] }));
    const rules = Object.values(synth.resources("aws_lb_listener_rule")).sort((a: any, b: any) => a.priority - b.priority);
    expect(rules.map((rule: any) => rule.priority)).toEqual([10, 11, 12]);
    expect(rules.map((rule: any) => rule.condition[0].host_header.values)).toEqual([
      hostnames.slice(0, 5),
      hostnames.slice(5, 10),
      hostnames.slice(10),
    ]);
    expect(rules.every((rule: any) => rule.condition[0].host_header.values.length <= 5)).toBe(true);
  });

  test("hostnames are normalized to lower case without a trailing dot", () => {
    const { synth } = synthLb(baseProps({ services: [{ name: "web", hostnames: ["WWW.Example.com."], port: 80, healthCheck: { path: "/" } }] }));
    expect(synth.only("aws_lb_listener_rule").condition[0].host_header.values).toEqual(["www.example.com"]);
  });

  test("attributes reference the ALB and its security group", () => {
    const { synth, lb } = synthLb(baseProps());
    const albId = idOf(synth, "aws_lb");
    expect(lb.arn).toBe(ref("aws_lb", albId, "arn"));
    expect(lb.dnsName).toBe(ref("aws_lb", albId, "dns_name"));
    expect(lb.zoneId).toBe(ref("aws_lb", albId, "zone_id"));
    expect(lb.securityGroupId).toBe(ref("aws_security_group", idOf(synth, "aws_security_group"), "id"));
  });

  test("is Connectable: instanceGroup.allowFrom(loadBalancer) adds egress to that service's instances on its group", () => {
    const synth = synthWith("aws", (scope) => {
      const lb = new LoadBalancer(scope, "lb", baseProps());
      const web = new InstanceGroup(scope, "web", {
        name: "shop-prod-web",
        vpcId: "vpc-0123456789abcdef0",
        subnetIds: ["subnet-private"],
        instanceType: "t3.small",
        port: 8080,
        targetGroupArn: lb.targetGroupArns.web,
        minSize: 1,
        maxSize: 2,
      });
      const peer: Connectable = lb;
      web.allowFrom(peer);
    });
    const sg = (name: string) => ref("aws_security_group", idOf(synth, "aws_security_group", (group) => group.name === name), "id");
    const fromAlb = Object.values(synth.resources("aws_vpc_security_group_egress_rule")).filter(
      (rule: any) => rule.security_group_id === sg("shop-prod-alb"),
    );
    expect(fromAlb).toEqual([
      expect.objectContaining({ referenced_security_group_id: sg("shop-prod-web-instances"), ip_protocol: "tcp", from_port: 8080, to_port: 8080 }),
    ]);
    expect(Object.values(synth.resources("aws_vpc_security_group_ingress_rule"))).toContainEqual(
      expect.objectContaining({ security_group_id: sg("shop-prod-web-instances"), referenced_security_group_id: sg("shop-prod-alb"), from_port: 8080 }),
    );
  });

  describe("routing by host and path", () => {
    const svc = (name: string, routing: { hostnames?: string[]; paths?: string[] }) => ({ name, ...routing, port: 8080, healthCheck: { path: "/" } });
    /** The listener rules by priority, each with its construct id (the logical id without the path and hash) and target service. */
    function rules(synth: ReturnType<typeof synthLb>["synth"], lbName = "shop-prod") {
      const serviceOf = Object.fromEntries(
        Object.entries(synth.resources("aws_lb_target_group")).map(([id, group]: [string, any]) => [
          ref("aws_lb_target_group", id, "arn"),
          group.name.slice(lbName.length + 1).replace(/-\d+$/, ""),
        ]),
      );
      return Object.entries(synth.resources("aws_lb_listener_rule"))
        .map(([logicalId, rule]: [string, any]) => ({
          id: logicalId.replace(/^lb_/, "").replace(/_[0-9A-F]{8}$/, ""),
          priority: rule.priority,
          service: serviceOf[rule.action[0].target_group_arn],
          hosts: rule.condition.find((condition: any) => condition.host_header)?.host_header.values,
          paths: rule.condition.find((condition: any) => condition.path_pattern)?.path_pattern.values,
        }))
        .sort((a, b) => a.priority - b.priority);
    }
    // One of each tier, listed in no particular order; "fallback" takes the rest.
    const mixed = [
      svc("www", { hostnames: ["example.com"] }),
      svc("tenants", { hostnames: ["*.example.com"] }),
      svc("static", { paths: ["/static/*"] }),
      svc("api", { hostnames: ["example.com"], paths: ["/api/*", "/health"] }),
      svc("tenantapi", { hostnames: ["*.example.com"], paths: ["/api/*"] }),
      svc("fallback", {}),
    ];

    test("rules come in precedence order: exact host + path, exact host, wildcard + path, wildcard, path, then the default", () => {
      const { synth } = synthLb(baseProps({ name: "shop", services: mixed, defaultService: "fallback" }));
      expect(rules(synth, "shop")).toEqual([
        { id: "host-path-rule-api-0", priority: 5040, service: "api", hosts: ["example.com"], paths: ["/api/*", "/health"] },
        { id: "rule-www-0", priority: 10010, service: "www", hosts: ["example.com"], paths: undefined },
        { id: "wildcard-path-rule-tenantapi-0", priority: 15050, service: "tenantapi", hosts: ["*.example.com"], paths: ["/api/*"] },
        { id: "wildcard-rule-tenants-0", priority: 20020, service: "tenants", hosts: ["*.example.com"], paths: undefined },
        { id: "path-rule-static-0", priority: 25030, service: "static", hosts: undefined, paths: ["/static/*"] },
      ]);
      const https = Object.values(synth.resources("aws_lb_listener")).find((listener: any) => listener.port === 443);
      const fallback = idOf(synth, "aws_lb_target_group", (group) => group.name === "shop-fallback-8080");
      expect(https.default_action).toEqual([{ type: "forward", target_group_arn: ref("aws_lb_target_group", fallback, "arn") }]);
    });

    test("a rule's conditions are host AND path, in that order, on the HTTPS listener, with a Name tag per tier", () => {
      const { synth } = synthLb(baseProps({ name: "shop", services: mixed, defaultService: "fallback" }));
      const httpsArn = ref("aws_lb_listener", idOf(synth, "aws_lb_listener", (listener) => listener.port === 443), "arn");
      const api = idOf(synth, "aws_lb_target_group", (group) => group.name === "shop-api-8080");
      expect(Object.values(synth.resources("aws_lb_listener_rule"))).toContainEqual({
        listener_arn: httpsArn,
        priority: 5040,
        action: [{ type: "forward", target_group_arn: ref("aws_lb_target_group", api, "arn") }],
        condition: [{ host_header: { values: ["example.com"] } }, { path_pattern: { values: ["/api/*", "/health"] } }],
        tags: { Name: "shop-api-host-path-0" },
      });
    });

    test("the default service may also have routes of its own", () => {
      const { synth } = synthLb(baseProps({ defaultService: "api" }));
      expect(rules(synth).map((rule) => [rule.id, rule.priority])).toEqual([["rule-web-0", 10], ["rule-api-0", 20]]);
      const https = Object.values(synth.resources("aws_lb_listener")).find((listener: any) => listener.port === 443);
      expect(https.default_action[0].target_group_arn).toBe(ref("aws_lb_target_group", idOf(synth, "aws_lb_target_group", (group) => group.name === "shop-prod-api-9000"), "arn"));
    });

    test("wildcards and path-only services leave the exact-host rules where they were", () => {
      const before = rules(synthLb(baseProps()).synth);
      const after = rules(
        synthLb(baseProps({ services: [...baseProps().services, svc("tenants", { hostnames: ["*.example.com"] }), svc("static", { paths: ["/static/*"] })] })).synth,
      );
      expect(after.slice(0, 2)).toEqual(before);
      expect(after.slice(2).map((rule) => [rule.id, rule.priority])).toEqual([["wildcard-rule-tenants-0", 20030], ["path-rule-static-0", 25040]]);
    });

    test("the first exact host + path moves the exact-host rules up by 10000, in place (same ids), and the last one moves them back", () => {
      const plain = baseProps().services;
      const withPath = [...plain, svc("admin", { hostnames: ["example.com"], paths: ["/admin/*"] })];
      const moved = rules(synthLb(baseProps({ services: withPath })).synth);
      expect(moved.map((rule) => [rule.id, rule.priority])).toEqual([["host-path-rule-admin-0", 5030], ["rule-web-0", 10010], ["rule-api-0", 10020]]);
      expect(rules(synthLb(baseProps({ services: plain })).synth).map((rule) => [rule.id, rule.priority])).toEqual([["rule-web-0", 10], ["rule-api-0", 20]]);
    });

    test("no change along a typical history makes two rules want one priority (ALB refuses that mid-apply)", () => {
      const history = [
        baseProps().services,
        [...baseProps().services, svc("tenants", { hostnames: ["*.example.com"] })],
        [...baseProps().services, svc("tenants", { hostnames: ["*.example.com"] }), svc("static", { paths: ["/static/*"] })],
        [...baseProps().services, svc("tenants", { hostnames: ["*.example.com"], paths: ["/app/*"] }), svc("static", { paths: ["/static/*"] })],
        [
          { ...baseProps().services[0], paths: ["/", "/shop/*"] },
          ...baseProps().services.slice(1),
          svc("tenants", { hostnames: ["*.example.com"], paths: ["/app/*"] }),
          svc("static", { paths: ["/static/*"] }),
        ],
        [
          { ...baseProps().services[0], hostnames: Array.from({ length: 12 }, (_, index) => `h${index}.example.com`) },
          ...baseProps().services.slice(1),
          svc("tenants", { hostnames: ["*.example.com"], paths: ["/app/*"] }),
          svc("static", { paths: ["/static/*"] }),
          svc("admin", { hostnames: ["admin.example.com"] }),
        ],
        baseProps().services,
      ];
      const layouts = history.map((services) => new Map(rules(synthLb(baseProps({ services })).synth).map((rule) => [rule.priority, rule.id])));
      layouts.slice(1).forEach((after, step) => {
        const before = layouts[step];
        for (const [priority, id] of after) {
          if (before.has(priority)) expect([step, priority, before.get(priority)]).toEqual([step, priority, id]);
        }
      });
    });

    test("a host + path rule holds at most 5 values; several rules cover every host × path", () => {
      const hostnames = ["a.example.com", "b.example.com", "c.example.com"];
      const { synth } = synthLb(baseProps({ services: [svc("web", { hostnames, paths: ["/x/*", "/y/*", "/z"] })] }));
      const planned = rules(synth);
      expect(planned).toEqual([
        { id: "host-path-rule-web-0", priority: 5010, service: "web", hosts: hostnames, paths: ["/x/*", "/y/*"] },
        { id: "host-path-rule-web-1", priority: 5011, service: "web", hosts: hostnames, paths: ["/z"] },
      ]);
    });

    test("wildcard hosts share a rule up to ALB's 5 wildcards per rule", () => {
      const hostnames = ["*-?.a.example.com", "*-?.b.example.com", "*-?.c.example.com", "*.d.example.com"];
      const planned = rules(synthLb(baseProps({ services: [svc("web", { hostnames })] })).synth);
      expect(planned.map((rule) => [rule.priority, rule.hosts])).toEqual([
        [20010, hostnames.slice(0, 2)],
        [20011, hostnames.slice(2)],
      ]);
    });

    test("a service with exact and wildcard hosts has rules in both tiers", () => {
      const planned = rules(synthLb(baseProps({ services: [svc("web", { hostnames: ["*.example.com", "example.com"] })] })).synth);
      expect(planned.map((rule) => [rule.id, rule.priority, rule.hosts])).toEqual([
        ["rule-web-0", 10, ["example.com"]],
        ["wildcard-rule-web-0", 20010, ["*.example.com"]],
      ]);
    });
  });

  describe("without a certificate (HTTP only)", () => {
    const httpOnly = (overrides: Partial<LoadBalancerProps> = {}) => baseProps({ certificateArn: undefined, ...overrides });

    test("one HTTP:80 listener that routes: the rules, and a 404 for the rest", () => {
      const { synth } = synthLb(httpOnly());
      const listeners = Object.entries(synth.resources("aws_lb_listener"));
      expect(listeners).toHaveLength(1);
      const [httpId, http] = listeners[0];
      expect(http).toEqual({
        load_balancer_arn: ref("aws_lb", idOf(synth, "aws_lb"), "arn"),
        port: 80,
        protocol: "HTTP",
        default_action: [{ type: "fixed-response", fixed_response: { content_type: "text/plain", status_code: "404", message_body: "Not Found" } }],
        tags: { Name: "shop-prod-http" },
      });
      const routed = Object.values(synth.resources("aws_lb_listener_rule"));
      expect(routed.map((rule: any) => [rule.priority, rule.listener_arn]).sort()).toEqual([
        [10, ref("aws_lb_listener", httpId, "arn")],
        [20, ref("aws_lb_listener", httpId, "arn")],
      ]);
    });

    test("the default service takes what no rule matches, on HTTP", () => {
      const services = [{ name: "api", paths: ["/api/*"], port: 3000, healthCheck: { path: "/api/health" } }, { name: "web", port: 8080, healthCheck: { path: "/" } }];
      const { synth } = synthLb(httpOnly({ services, defaultService: "web" }));
      const web = ref("aws_lb_target_group", idOf(synth, "aws_lb_target_group", (group) => group.name === "shop-prod-web-8080"), "arn");
      expect(synth.only("aws_lb_listener").default_action).toEqual([{ type: "forward", target_group_arn: web }]);
      expect(synth.only("aws_lb_listener_rule")).toMatchObject({ priority: 25010, condition: [{ path_pattern: { values: ["/api/*"] } }] });
    });

    test("the security group admits port 80 only, from each range", () => {
      const { synth } = synthLb(httpOnly({ ingressCidrs: ["203.0.113.0/24", "198.51.100.0/24"] }));
      const rulesIn = Object.values(synth.resources("aws_vpc_security_group_ingress_rule"));
      expect(rulesIn.map((rule: any) => `${rule.cidr_ipv4}:${rule.from_port}-${rule.to_port}`).sort()).toEqual(["198.51.100.0/24:80-80", "203.0.113.0/24:80-80"]);
    });

    test("httpsListenerArn is undefined and httpListenerArn is the routing listener", () => {
      let construct: LoadBalancer | undefined;
      const synth = synthWith("aws", (scope) => {
        construct = new LoadBalancer(scope, "lb", httpOnly());
      });
      expect(construct!.httpsListenerArn).toBeUndefined();
      const { lb } = synthLb(httpOnly());
      expect(lb.httpsListenerArn).toBeUndefined();
      expect(lb.httpListenerArn).toBe(ref("aws_lb_listener", idOf(synth, "aws_lb_listener"), "arn"));
    });
  });

  describe("validation", () => {
    const service = (name: string, hostnames: string[], extra: object = {}) => ({ name, hostnames, port: 8080, healthCheck: { path: "/" }, ...extra });
    const paths = (name: string, patterns: string[], extra: object = {}) => ({ name, paths: patterns, port: 8080, healthCheck: { path: "/" }, ...extra });
    const web = service("web", ["a.example.com"]);
    test.each<[Partial<LoadBalancerProps>, string]>([
      [{ name: "a-very-long-load-balancer-name-123" }, `LoadBalancer 'lb': name: "a-very-long-load-balancer-name-123" is 34 characters long (at most 32)`],
      [{ name: "shop_prod" }, `LoadBalancer 'lb': name: "shop_prod" must be 1..32 of letters, digits and "-", not starting or ending with "-"`],
      [{ name: "-shop" }, `LoadBalancer 'lb': name: "-shop" must be 1..32 of letters, digits and "-"`],
      [{ name: "shop-" }, `LoadBalancer 'lb': name: "shop-" must be 1..32 of letters, digits and "-"`],
      [{ name: "" }, `LoadBalancer 'lb': name: "" must be 1..32 of letters`],
      [{ name: "internal-shop" }, `LoadBalancer 'lb': name: "internal-shop" must not start with "internal-" (reserved by AWS)`],
      [{ vpcId: "" }, "LoadBalancer 'lb': vpcId: is empty (the id of the VPC holding the subnets)"],
      [{ subnetIds: ["subnet-aaaa"] }, "LoadBalancer 'lb': subnetIds: has 1 subnet (at least 2, in different availability zones)"],
      [{ subnetIds: ["subnet-aaaa", "subnet-aaaa"] }, `LoadBalancer 'lb': subnetIds: "subnet-aaaa" is listed twice (distinct subnets)`],
      [{ certificateArn: "" }, "LoadBalancer 'lb': certificateArn: is empty (the ARN of an issued ACM certificate, or leave it out for HTTP only)"],
      [{ certificateArn: "my-cert" }, `LoadBalancer 'lb': certificateArn: "my-cert" is not an ARN (arn:aws:acm:...)`],
      [{ idleTimeoutSeconds: 0 }, "LoadBalancer 'lb': idleTimeoutSeconds: 0 is out of range (an integer from 1 to 4000)"],
      [{ idleTimeoutSeconds: 4001 }, "LoadBalancer 'lb': idleTimeoutSeconds: 4001 is out of range (an integer from 1 to 4000)"],
      [{ algorithm: "random" as any }, `LoadBalancer 'lb': algorithm: "random" is not supported ("round_robin" or "least_outstanding_requests")`],
      [{ sslPolicy: "TLS13" }, `LoadBalancer 'lb': sslPolicy: "TLS13" is not an ELB security policy name (ELBSecurityPolicy-...)`],
      [{ ingressCidrs: [] }, "LoadBalancer 'lb': ingressCidrs: is empty (at least one IPv4 CIDR, e.g. 0.0.0.0/0)"],
      [{ ingressCidrs: ["::/0"] }, "LoadBalancer 'lb': ingressCidrs[0]: ::/0 is not a valid CIDR (expected a.b.c.d/n with n between 0 and 32) (IPv4 only: the load balancer has no IPv6 address)"],
      [{ ingressCidrs: ["10.0.0.1/8"] }, "LoadBalancer 'lb': ingressCidrs[0]: 10.0.0.1/8 is not a valid CIDR: host bits are set"],
      [{ ingressCidrs: ["10.0.0.0/8", "10.0.0.0/8"] }, "LoadBalancer 'lb': ingressCidrs[1]: 10.0.0.0/8 is listed twice"],
      [{ services: [] }, "LoadBalancer 'lb': services: is empty (at least one service)"],
      [
        { services: [service("web", ["a.example.com"]), service("web", ["b.example.com"])] },
        `LoadBalancer 'lb': services[1].name: "web" is already used by services[0] (unique names)`,
      ],
      [{ services: [service("web_1", ["a.example.com"])] }, `LoadBalancer 'lb': services[0].name: "web_1" must be letters, digits and "-", not starting or ending with "-"`],
      [{ services: [service("", ["a.example.com"])] }, `LoadBalancer 'lb': services[0].name: "" must be letters, digits and "-"`],
      [
        { services: [service("a-rather-long-service-name", ["a.example.com"])] },
        `LoadBalancer 'lb': services[0].name: target group name "shop-prod-a-rather-long-service-name-8080" is 41 characters long (at most 32)`,
      ],
      [{ services: [service("web", ["a.example.com"], { port: 0 })] }, "LoadBalancer 'lb': services[0].port: 0 is out of range (an integer from 1 to 65535)"],
      [{ services: [service("web", ["a.example.com"], { port: 65536 })] }, "LoadBalancer 'lb': services[0].port: 65536 is out of range (an integer from 1 to 65535)"],
      [
        { services: [service("web", ["a.example.com"], { deregistrationDelaySeconds: 3601 })] },
        "LoadBalancer 'lb': services[0].deregistrationDelaySeconds: 3601 is out of range (an integer from 0 to 3600)",
      ],
      [
        { services: [service("web", Array.from({ length: 51 }, (_, index) => `h${index}.example.com`))] },
        "LoadBalancer 'lb': services[0].hostnames: has 51 entries (at most 50 per service)",
      ],
      [
        { services: [service("web", ["ok.example.com", "bad host.example.com"])] },
        `LoadBalancer 'lb': services[0].hostnames[1]: "bad host.example.com" is not a host name pattern (1..128 of a-z, 0-9, "-", ".", "*" and "?")`,
      ],
      [{ services: [service("web", [`${"a".repeat(125)}.com`])] }, "services[0].hostnames[0]: \"" + "a".repeat(125) + '.com" is not a host name pattern'],
      [
        { services: [service("web", ["a.example.com"]), service("api", ["api.example.com", "A.example.com"])] },
        `LoadBalancer 'lb': services[1].hostnames[1]: "a.example.com" is already routed to service "web" (each host and path goes to exactly one service)`,
      ],
      [
        { services: [service("web", ["a.example.com"], { healthCheck: { path: "healthz" } })] },
        `LoadBalancer 'lb': services[0].healthCheck: health check: path: "healthz" must start with "/"`,
      ],
    ])("rejects %j", (overrides, message) => {
      expect(() => synthLb(baseProps(overrides))).toThrow(message);
    });

    // Routing, path syntax, ALB rule limits and HTTP-only mode: the whole message, exactly.
    test.each<[string, Partial<LoadBalancerProps>, string]>([
      [
        "a service with neither hostnames nor paths that is not the default",
        { services: [web, { name: "api", port: 8080, healthCheck: { path: "/" } }] },
        "LoadBalancer 'lb': services[1]: has neither hostnames nor paths, so no rule reaches it (make it the defaultService, or give it hostnames or paths)",
      ],
      [
        "empty hostnames on a service that is not the default",
        { services: [web, service("api", [])], defaultService: "web" },
        "LoadBalancer 'lb': services[1]: has neither hostnames nor paths, so no rule reaches it (make it the defaultService, or give it hostnames or paths)",
      ],
      [
        "an unknown defaultService",
        { services: [web, service("api", ["b.example.com"])], defaultService: "apí" },
        `LoadBalancer 'lb': defaultService: "apí" is not one of the services ("web", "api")`,
      ],
      [
        "a hostname listed twice in a service (compared like ALB: case and trailing dot ignored)",
        { services: [service("web", ["a.example.com", "b.example.com", "A.example.com."])] },
        `LoadBalancer 'lb': services[0].hostnames[2]: "a.example.com" is listed twice`,
      ],
      [
        "a host + path routed to two services",
        { services: [web, service("api", ["a.example.com"], { paths: ["/api/*"] }), service("v2", ["b.example.com", "a.example.com"], { paths: ["/v2/*", "/api/*"] })] },
        `LoadBalancer 'lb': services[2].paths[1]: "a.example.com/api/*" is already routed to service "api" (each host and path goes to exactly one service)`,
      ],
      [
        "a path on any host routed to two services",
        { services: [web, paths("api", ["/api/*"]), paths("v2", ["/api/*"])] },
        `LoadBalancer 'lb': services[2].paths[0]: "/api/*" on any host is already routed to service "api" (each host and path goes to exactly one service)`,
      ],
      [
        "a wildcard host routed to two services",
        { services: [service("web", ["*.example.com"]), service("api", ["*.EXAMPLE.com"])] },
        `LoadBalancer 'lb': services[1].hostnames[0]: "*.example.com" is already routed to service "web" (each host and path goes to exactly one service)`,
      ],
      ["a path without the leading slash", { services: [paths("api", ["api/*"])] }, `LoadBalancer 'lb': services[0].paths[0]: "api/*" must start with "/"`],
      ["an empty path", { services: [paths("api", [""])] }, `LoadBalancer 'lb': services[0].paths[0]: "" must start with "/"`],
      ...["/api*", "/api/*/v1", "/a?c", "/api/**", "/a*b"].map((path): [string, Partial<LoadBalancerProps>, string] => [
        `the wildcard in ${path}`,
        { services: [paths("api", ["/ok", path])] },
        `LoadBalancer 'lb': services[0].paths[1]: "${path}" has a wildcard other than a trailing "/*" (exact like /health, or a prefix like /api/*: GCP URL maps accept no other)`,
      ]),
      ...["/a b", "/a%20b", "/a#b", "/é"].map((path): [string, Partial<LoadBalancerProps>, string] => [
        `the character in ${path}`,
        { services: [paths("api", [path])] },
        `LoadBalancer 'lb': services[0].paths[0]: "${path}" has a character ALB path patterns do not accept (A-Z, a-z, 0-9 and _ - . $ / ~ " ' @ : + &)`,
      ]),
      [
        "a path longer than ALB's 128 characters",
        { services: [paths("api", [`/${"a".repeat(128)}`])] },
        `LoadBalancer 'lb': services[0].paths[0]: "/${"a".repeat(128)}" is 129 characters long (at most 128)`,
      ],
      ["a path listed twice", { services: [paths("api", ["/api/*", "/health", "/api/*"])] }, `LoadBalancer 'lb': services[0].paths[2]: "/api/*" is listed twice`],
      [
        "a host with more wildcards than an ALB rule takes",
        { services: [service("web", ["*.*.*.*.*.*.example.com"])] },
        `LoadBalancer 'lb': services[0].hostnames[0]: "*.*.*.*.*.*.example.com" has 6 wildcards (at most 5 per ALB rule)`,
      ],
      [
        "a host whose wildcards leave none for a prefix path",
        { services: [service("web", ["*.*.*.*.?.example.com"], { paths: ["/health", "/api/*"] })] },
        `LoadBalancer 'lb': services[0].hostnames[0]: "*.*.*.*.?.example.com" has 5 wildcards (at most 4 ALB allows 5 per rule, and the prefix path takes one)`,
      ],
      [
        "more host × path rules than a service's block of 10",
        { services: [service("web", Array.from({ length: 30 }, (_, index) => `h${index}.example.com`), { paths: ["/a/*", "/b/*", "/c/*"] })] },
        "LoadBalancer 'lb': services[0]: needs 15 listener rules for its exact hostnames and paths (at most 10; a rule holds 5 hostnames and paths together)",
      ],
      [
        "more path rules than a service's block of 10",
        { services: [paths("api", Array.from({ length: 51 }, (_, index) => `/p${index}/*`))] },
        "LoadBalancer 'lb': services[0]: needs 11 listener rules for its paths (at most 10; a rule holds 5 hostnames and paths together)",
      ],
      [
        "more services than ALB's 100 target groups",
        { name: "shop", services: Array.from({ length: 101 }, (_, index) => service(`s${index}`, [`s${index}.example.com`])) },
        "LoadBalancer 'lb': services: has 101 entries (at most 100: each has a target group, and an ALB routes to at most 100)",
      ],
      [
        "a TLS policy without a certificate",
        { certificateArn: undefined, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" },
        "LoadBalancer 'lb': sslPolicy: applies only to the HTTPS listener (set certificateArn, or leave sslPolicy out)",
      ],
    ])("rejects %s", (_label, overrides, message) => {
      expect(() => synthLb(baseProps(overrides))).toThrow(new Error(message));
    });

    test("accepts a 32-character target group name and wildcard host patterns", () => {
      expect(() =>
        synthLb(baseProps({ name: "shop", services: [service("a".repeat(22), ["*.example.com", "api-?.example.com"])] })),
      ).not.toThrow();
    });
  });

  describe("canary", () => {
    const withCanary = (weight: number, overrides: Partial<LoadBalancerProps> = {}): LoadBalancerProps => {
      const props = baseProps(overrides);
      return { ...props, services: props.services.map((service) => (service.name === "web" ? { ...service, canary: { weight } } : service)) };
    };
    /** "type.id" of every resource that differs between two syntheses, added or removed included. */
    const changed = (before: any, after: any): string[] => {
      const keys = (json: any) => Object.entries(json.resource ?? {}).flatMap(([type, all]) => Object.keys(all as object).map((id) => `${type}.${id}`));
      const get = (json: any, key: string) => {
        const [type, id] = key.split(".");
        return json.resource?.[type]?.[id];
      };
      return [...new Set([...keys(before), ...keys(after)])].filter((key) => JSON.stringify(get(before, key)) !== JSON.stringify(get(after, key))).sort();
    };
    const groupId = (synth: any, name: string) => idOf(synth, "aws_lb_target_group", (group) => group.name === name);
    const weighted = (stable: string, canary: string, weight: number) => [
      {
        type: "forward",
        forward: {
          target_group: [
            { arn: stable, weight: 100 - weight },
            { arn: canary, weight },
          ],
        },
      },
    ];

    test("adds a second target group for the service, named with c<port>, configured like the stable one", () => {
      const { synth, lb } = synthLb(withCanary(10));
      const groups = synth.resources("aws_lb_target_group");
      expect(Object.values(groups).map((group: any) => group.name).sort()).toEqual(["shop-prod-api-9000", "shop-prod-web-8080", "shop-prod-web-c8080"]);
      const stable = groups[groupId(synth, "shop-prod-web-8080")];
      const canary = groups[groupId(synth, "shop-prod-web-c8080")];
      expect(canary).toEqual({ ...stable, name: "shop-prod-web-c8080", tags: { Name: "shop-prod-web-c8080" } });
      expect(lb.canaryTargetGroupArns).toEqual({ web: ref("aws_lb_target_group", groupId(synth, "shop-prod-web-c8080"), "arn") });
      expect(lb.targetGroupArns.web).toBe(ref("aws_lb_target_group", groupId(synth, "shop-prod-web-8080"), "arn"));
    });

    test("the service's rules forward by weight (stable 100 - weight, canary weight, no stickiness); other services' rules do not", () => {
      const { synth } = synthLb(withCanary(10));
      const stable = ref("aws_lb_target_group", groupId(synth, "shop-prod-web-8080"), "arn");
      const canary = ref("aws_lb_target_group", groupId(synth, "shop-prod-web-c8080"), "arn");
      const rules = Object.values(synth.resources("aws_lb_listener_rule")) as any[];
      expect(rules.find((rule) => rule.tags.Name === "shop-prod-web-0").action).toEqual(weighted(stable, canary, 10));
      expect(rules.find((rule) => rule.tags.Name === "shop-prod-api-0").action).toEqual([
        { type: "forward", target_group_arn: ref("aws_lb_target_group", groupId(synth, "shop-prod-api-9000"), "arn") },
      ]);
    });

    test("a default service's listener default action forwards by weight too, on HTTPS and in HTTP-only mode", () => {
      for (const certificateArn of [CERT, undefined]) {
        const { synth } = synthLb(withCanary(50, { certificateArn, defaultService: "web" }));
        const stable = ref("aws_lb_target_group", groupId(synth, "shop-prod-web-8080"), "arn");
        const canary = ref("aws_lb_target_group", groupId(synth, "shop-prod-web-c8080"), "arn");
        const routing = Object.values(synth.resources("aws_lb_listener")).find((listener: any) => listener.port === (certificateArn ? 443 : 80));
        expect(routing.default_action).toEqual(weighted(stable, canary, 50));
        const rules = Object.values(synth.resources("aws_lb_listener_rule")) as any[];
        expect(rules.find((rule) => rule.tags.Name === "shop-prod-web-0").action).toEqual(weighted(stable, canary, 50));
      }
    });

    test("starting a canary adds its target group and re-weights the service's forwards, nothing else", () => {
      const before = synthLb(baseProps({ defaultService: "web" })).synth;
      const after = synthLb(withCanary(5, { defaultService: "web" })).synth;
      const canaryGroup = `aws_lb_target_group.${groupId(after, "shop-prod-web-c8080")}`;
      const https = `aws_lb_listener.${idOf(after, "aws_lb_listener", (listener) => listener.port === 443)}`;
      const webRule = `aws_lb_listener_rule.${idOf(after, "aws_lb_listener_rule", (rule) => rule.tags.Name === "shop-prod-web-0")}`;
      expect(changed(before.json, after.json)).toEqual([https, webRule, canaryGroup].sort());
    });

    test("promoting or dropping it (the canary prop goes away) restores the plain forward and removes the canary group", () => {
      const plain = synthLb(baseProps({ defaultService: "web" })).synth;
      const during = synthLb(withCanary(20, { defaultService: "web" })).synth;
      const afterwards = synthLb(baseProps({ defaultService: "web" })).synth;
      expect(changed(during.json, afterwards.json)).toContain(`aws_lb_target_group.${groupId(during, "shop-prod-web-c8080")}`);
      expect(afterwards.json).toEqual(plain.json);
      const stable = ref("aws_lb_target_group", groupId(afterwards, "shop-prod-web-8080"), "arn");
      expect(Object.values(afterwards.resources("aws_lb_listener_rule")).find((rule: any) => rule.tags.Name === "shop-prod-web-0").action).toEqual([
        { type: "forward", target_group_arn: stable },
      ]);
      expect(Object.values(afterwards.resources("aws_lb_target_group")).map((group: any) => group.name)).not.toContain("shop-prod-web-c8080");
    });

    test("changing the weight only updates the forwards in place", () => {
      const at10 = synthLb(withCanary(10)).synth;
      const at30 = synthLb(withCanary(30)).synth;
      const webRule = `aws_lb_listener_rule.${idOf(at10, "aws_lb_listener_rule", (rule) => rule.tags.Name === "shop-prod-web-0")}`;
      expect(changed(at10.json, at30.json)).toEqual([webRule]);
    });

    test.each([
      [0, "LoadBalancer 'lb': services[0].canary.weight: 0 is out of range (an integer from 1 to 50: percent of the service's requests)"],
      [51, "LoadBalancer 'lb': services[0].canary.weight: 51 is out of range (an integer from 1 to 50: percent of the service's requests)"],
      [2.5, "LoadBalancer 'lb': services[0].canary.weight: 2.5 is out of range (an integer from 1 to 50: percent of the service's requests)"],
    ])("rejects weight %p", (weight, message) => {
      expect(() => synthLb(withCanary(weight))).toThrow(new Error(message));
    });

    test("rejects a canary whose target group name would not fit, though the stable one does", () => {
      const name = "a".repeat(22);
      const props = baseProps({ name: "shop", services: [{ name, hostnames: ["example.com"], port: 8080, healthCheck: { path: "/" }, canary: { weight: 10 } }] });
      expect(() => synthLb(props)).toThrow(
        new Error(
          `LoadBalancer 'lb': services[0].canary: canary target group name "shop-${name}-c8080" is 33 characters long (at most 32): shorten the service name`,
        ),
      );
    });

    test("counts canary groups against ALB's 100 target groups", () => {
      const services = Array.from({ length: 99 }, (_, index) => ({
        name: `s${index}`,
        hostnames: [`s${index}.example.com`],
        port: 8080,
        healthCheck: { path: "/" },
        ...(index < 2 ? { canary: { weight: 10 } } : {}),
      }));
      expect(() => synthLb(baseProps({ name: "shop", services }))).toThrow(
        new Error("LoadBalancer 'lb': services: need 101 target groups with their 2 canaries (at most 100 per ALB: promote or drop a canary first)"),
      );
    });
  });
});
