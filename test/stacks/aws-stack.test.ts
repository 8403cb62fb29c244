/** The AWS stacks of the example environments: composition and wiring. */
import { TerraformStack, Testing } from "cdktf";
import { addEnvironmentStacks } from "../../stacks/app";
import { EnvironmentSpec } from "../../environment/schema";
import { exampleEnvironments, synthExampleStacks } from "../support/example-stacks";
import { Synthesized, idOf, ref, wrap } from "../support/synth";

const stacks = synthExampleStacks();
const prod = stacks["aws-prod"];
const dev = stacks["aws-dev"];

test("no password at all: RDS generates and keeps the master password", () => {
  for (const stack of [prod, dev]) {
    expect(JSON.stringify(stack.json)).not.toMatch(/"(master_)?password(_wo)?"\s*:/);
  }
});

const alb = (stack: Synthesized) => idOf(stack, "aws_lb");
/** The target group of a service, by its name prefix (`<lb>-<service>-<port>`). */
const targetGroupOf = (stack: Synthesized, name: string) => idOf(stack, "aws_lb_target_group", (group) => group.name.startsWith(`${name}-`));

describe("aws-prod", () => {
  test("provider region and default tags come from the spec", () => {
    expect(prod.json.provider.aws).toEqual([
      {
        region: "eu-west-1",
        default_tags: [{ tags: { Project: "web", Environment: "prod", Stack: "aws-prod", ManagedBy: "cdktf" } }],
      },
    ]);
    expect(prod.json.terraform.backend).toEqual({ local: { path: "../../../terraform.aws-prod.tfstate" } });
  });

  test("explicit subnets are used verbatim and NAT is per zone", () => {
    const cidrsOfTier = (tier: string) =>
      Object.values(prod.resources("aws_subnet"))
        .filter((subnet: any) => subnet.tags.Tier === tier)
        .map((subnet: any) => subnet.cidr_block)
        .sort();
    expect(cidrsOfTier("public")).toEqual(["10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24"]);
    expect(cidrsOfTier("private")).toEqual(["10.20.16.0/20", "10.20.32.0/20", "10.20.48.0/20"]);
    expect(cidrsOfTier("database")).toEqual(["10.20.64.0/24", "10.20.65.0/24", "10.20.66.0/24"]);
    expect(Object.keys(prod.resources("aws_nat_gateway"))).toHaveLength(3);
    expect(Object.keys(prod.resources("aws_flow_log"))).toHaveLength(1);
  });

  test("the load balancer is protected, keeps websockets open and balances by outstanding requests", () => {
    expect(prod.only("aws_lb")).toMatchObject({
      name: "web-prod",
      internal: false,
      enable_deletion_protection: true,
      idle_timeout: 3600,
      drop_invalid_header_fields: true,
    });
    for (const group of Object.values(prod.resources("aws_lb_target_group"))) {
      expect(group.load_balancing_algorithm_type).toBe("least_outstanding_requests");
    }
  });

  test("each service's autoscaling group is attached to its own target group, in the private subnets", () => {
    for (const [service, min, max] of [["api", 2, 6], ["chat", 2, 4], ["config", 2, 2]] as const) {
      const group = Object.values(prod.resources("aws_autoscaling_group")).find((asg: any) => asg.name === `web-prod-${service}`);
      expect(group).toMatchObject({ min_size: min, max_size: max, health_check_type: "ELB" });
      expect(group.target_group_arns).toEqual([ref("aws_lb_target_group", targetGroupOf(prod, `web-prod-${service}`), "arn")]);
      expect(group.vpc_zone_identifier).toHaveLength(3);
      for (const subnet of group.vpc_zone_identifier) expect(subnet).toMatch(/aws_subnet\.network_private-subnet-/);
    }
  });

  test("host rules route each hostname to its service", () => {
    const rules = Object.values(prod.resources("aws_lb_listener_rule"));
    const routed = Object.fromEntries(
      rules.flatMap((rule: any) =>
        rule.condition[0].host_header.values.map((host: string) => [host, rule.action[0].target_group_arn]),
      ),
    );
    expect(routed).toEqual({
      "api.example.com": ref("aws_lb_target_group", targetGroupOf(prod, "web-prod-api"), "arn"),
      "www.example.com": ref("aws_lb_target_group", targetGroupOf(prod, "web-prod-api"), "arn"),
      "chat.example.com": ref("aws_lb_target_group", targetGroupOf(prod, "web-prod-chat"), "arn"),
      "config.example.com": ref("aws_lb_target_group", targetGroupOf(prod, "web-prod-config"), "arn"),
    });
    const chat = prod.resources("aws_lb_target_group")[targetGroupOf(prod, "web-prod-chat")];
    expect(chat.health_check).toMatchObject({ path: "/actuator/health", matcher: "200" });
  });

  test("the certificate lists every hostname and the HTTPS listener uses the validated ARN", () => {
    expect(prod.only("aws_acm_certificate")).toMatchObject({
      domain_name: "api.example.com",
      subject_alternative_names: ["www.example.com", "chat.example.com", "config.example.com"],
      validation_method: "DNS",
    });
    const https = Object.values(prod.resources("aws_lb_listener")).find((listener: any) => listener.port === 443);
    expect(https.certificate_arn).toBe(ref("aws_acm_certificate_validation", idOf(prod, "aws_acm_certificate_validation"), "certificate_arn"));
    expect(https.load_balancer_arn).toBe(ref("aws_lb", alb(prod), "arn"));
  });

  test("every hostname is an alias of the load balancer in the created zone", () => {
    const aliases = Object.values(prod.resources("aws_route53_record")).filter((record: any) => record.alias);
    expect(aliases.map((record: any) => record.name).sort()).toEqual([
      "api.example.com",
      "chat.example.com",
      "config.example.com",
      "www.example.com",
    ]);
    for (const record of aliases) {
      expect(record.zone_id).toBe(ref("aws_route53_zone", idOf(prod, "aws_route53_zone"), "zone_id"));
      expect(record.alias).toEqual({
        name: ref("aws_lb", alb(prod), "dns_name"),
        zone_id: ref("aws_lb", alb(prod), "zone_id"),
        evaluate_target_health: true,
      });
    }
  });

  test("allowFrom wiring: each service admits the load balancer on its port, which gets egress to it and nowhere else", () => {
    const group = (name: string) => ref("aws_security_group", idOf(prod, "aws_security_group", (sg) => sg.name === name), "id");
    const rulesOn = (type: string, securityGroup: string) =>
      Object.values(prod.resources(type)).filter((rule: any) => rule.security_group_id === securityGroup) as any[];
    const albGroup = group("web-prod-alb");
    const services = ["api", "chat", "config"].map((service) => ({
      instances: group(`web-prod-${service}-instances`),
      port: prod.resources("aws_lb_target_group")[targetGroupOf(prod, `web-prod-${service}`)].port,
    }));
    expect(rulesOn("aws_vpc_security_group_egress_rule", albGroup).map((rule) => [rule.referenced_security_group_id, rule.from_port, rule.to_port]).sort()).toEqual(
      services.map(({ instances, port }) => [instances, port, port]).sort(),
    );
    for (const { instances, port } of services) {
      expect(rulesOn("aws_vpc_security_group_ingress_rule", instances)).toEqual([
        expect.objectContaining({ referenced_security_group_id: albGroup, ip_protocol: "tcp", from_port: port, to_port: port }),
      ]);
      // Out: HTTPS for packages and AWS APIs, and the database port through database.allowFrom.
      expect(rulesOn("aws_vpc_security_group_egress_rule", instances).map((rule) => rule.referenced_security_group_id ?? rule.cidr_ipv4).sort()).toEqual(
        ["0.0.0.0/0", group("web-prod-db")].sort(),
      );
    }
  });

  test("the database is Multi-AZ, protected, and reachable only from the services", () => {
    expect(prod.only("aws_db_instance")).toMatchObject({
      engine: "mysql",
      instance_class: "db.t4g.medium",
      multi_az: true,
      deletion_protection: true,
      skip_final_snapshot: false,
      backup_retention_period: 14,
      allocated_storage: 50,
      max_allocated_storage: 500,
      storage_encrypted: true,
      publicly_accessible: false,
      manage_master_user_password: true,
    });
    const databaseGroup = idOf(prod, "aws_security_group", (group) => group.name === "web-prod-db");
    const ingress = Object.values(prod.resources("aws_vpc_security_group_ingress_rule")).filter(
      (rule: any) => rule.security_group_id === ref("aws_security_group", databaseGroup, "id"),
    );
    expect(ingress.map((rule: any) => rule.referenced_security_group_id).sort()).toEqual(
      ["api", "chat", "config"].map((service) => ref("aws_security_group", idOf(prod, "aws_security_group", (group) => group.name === `web-prod-${service}-instances`), "id")).sort(),
    );
    expect(ingress.every((rule: any) => rule.from_port === 3306 && rule.to_port === 3306 && !rule.cidr_ipv4)).toBe(true);
  });

  test("each service's instance role may read the database secret, and only that secret", () => {
    const policies = Object.values(prod.resources("aws_iam_role_policy")).filter((policy: any) => /read-database-secret/.test(policy.name));
    expect(policies.map((policy: any) => policy.role).sort()).toEqual(
      ["api", "chat", "config"].map((service) =>
        ref("aws_iam_role", idOf(prod, "aws_iam_role", (role) => role.name === `web-prod-${service}-instance`), "name"),
      ).sort(),
    );
    for (const policy of policies) {
      expect(policy.policy).toContain('"Action" = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]');
      expect(policy.policy).toContain(`aws_db_instance.${idOf(prod, "aws_db_instance")}.master_user_secret[0].secret_arn`);
    }
  });

  test("outputs give the next steps and no secret", () => {
    expect(Object.keys(prod.outputs()).sort()).toEqual([
      "database_endpoint",
      "database_secret_arn",
      "dns_zone_id",
      "load_balancer_dns_name",
      "name_servers",
      "service_urls",
    ]);
    expect(prod.outputs().name_servers.value).toBe(
      `\${[for ns in aws_route53_zone.${idOf(prod, "aws_route53_zone")}.name_servers : trimsuffix(ns, ".")]}`,
    );
    expect(prod.outputs().database_secret_arn.value).toBe(
      ref("aws_db_instance", idOf(prod, "aws_db_instance"), "master_user_secret[0].secret_arn"),
    );
    expect(prod.outputs().service_urls.value.api).toEqual(["https://api.example.com", "https://www.example.com"]);
  });
});

describe("aws-dev", () => {
  test("dev.example.com is delegated from the example.com zone by an NS record: nothing to paste at a registrar", () => {
    const zone = idOf(dev, "aws_route53_zone");
    const delegation = Object.values(dev.resources("aws_route53_record")).find((record: any) => record.type === "NS");
    expect(delegation).toEqual({
      name: "dev.example.com",
      type: "NS",
      ttl: 3600,
      zone_id: "Z0123456789EXAMPLECOM",
      records: ref("aws_route53_zone", zone, "name_servers"),
    });
    expect(Object.keys(dev.outputs())).not.toContain("name_servers");
    expect(dev.outputs().dns_zone_id.value).toBe(ref("aws_route53_zone", zone, "zone_id"));
  });

  test("is cheap and destroyable: one NAT gateway, single-AZ database, no deletion protection", () => {
    expect(Object.keys(dev.resources("aws_nat_gateway"))).toHaveLength(1);
    expect(dev.only("aws_lb").enable_deletion_protection).toBe(false);
    expect(dev.only("aws_db_instance")).toMatchObject({ multi_az: false, deletion_protection: false, skip_final_snapshot: true });
    expect(Object.keys(dev.resources("aws_flow_log"))).toHaveLength(0);
  });

  test("subnets are carved from the VPC CIDR at fixed positions", () => {
    const cidrs = Object.values(dev.resources("aws_subnet")).map((subnet: any) => `${subnet.tags.Tier} ${subnet.availability_zone} ${subnet.cidr_block}`);
    expect(cidrs.sort()).toEqual([
      "database eu-west-1a 10.10.128.0/21",
      "database eu-west-1b 10.10.136.0/21",
      "private eu-west-1a 10.10.64.0/21",
      "private eu-west-1b 10.10.72.0/21",
      "public eu-west-1a 10.10.0.0/21",
      "public eu-west-1b 10.10.8.0/21",
    ]);
  });

  test("the certificate lists each hostname (the example also deploys to GCP, which has no wildcards)", () => {
    expect(dev.only("aws_acm_certificate")).toMatchObject({
      domain_name: "api.dev.example.com",
      subject_alternative_names: ["chat.dev.example.com", "config.dev.example.com"],
    });
  });
});

test("an AWS-only environment may ask for a wildcard certificate: apex and *.domain with one validation record", () => {
  const devSpec = exampleEnvironments().find((environment) => environment.name === "dev")!;
  const stack = synthOne({ ...devSpec, gcp: undefined, certificate: { wildcard: true } });
  expect(stack.only("aws_acm_certificate")).toMatchObject({
    domain_name: "dev.example.com",
    subject_alternative_names: ["*.dev.example.com"],
  });
  const validationRecords = Object.values(stack.resources("aws_route53_record")).filter((record: any) => !record.alias && record.type !== "NS");
  expect(validationRecords).toHaveLength(1);
});

test("Graviton instance types get the arm64 container image (ECS-optimized AL2023) unless an image is configured", () => {
  const prodSpec = exampleEnvironments().find((environment) => environment.name === "prod")!;
  const graviton = { ...prodSpec, gcp: undefined, aws: { ...prodSpec.aws!, instanceTypes: { medium: "t4g.medium" } } };
  const stack = synthOne(graviton);
  const images = Object.values(stack.resources("aws_launch_template")).map((template: any) => [template.instance_type, template.image_id]);
  expect(images).toContainEqual(["t4g.medium", "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id"]);
  expect(images).toContainEqual(["t3.small", "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"]);

  const pinned = synthOne({ ...graviton, aws: { ...graviton.aws, imageSsmParameter: "/my/golden-image" } });
  for (const template of Object.values(pinned.resources("aws_launch_template"))) {
    expect(template.image_id).toBe("resolve:ssm:/my/golden-image");
  }
});

test("the construct validations pass: every instance group admits its load balancer, the database admits its clients", () => {
  const app = Testing.app();
  const ids = addEnvironmentStacks(app, exampleEnvironments()).filter((id) => id.startsWith("aws-"));
  expect(ids).toEqual(["aws-dev", "aws-prod"]);
  for (const id of ids) expect(() => (app.node.findChild(id) as TerraformStack).runAllValidations()).not.toThrow();
});

/** The single stack of an environment that has only an aws section, synthesized with the construct validations. */
function synthOne(environment: EnvironmentSpec): Synthesized {
  const app = Testing.app();
  const [id] = addEnvironmentStacks(app, [environment]);
  return wrap(JSON.parse(Testing.synth(app.node.findChild(id) as any, true)));
}
