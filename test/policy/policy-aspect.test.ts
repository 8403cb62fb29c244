/** PolicyAspect itself: suppressions, production gating, lazy evaluation, resolved input, validation. */
import { Aspects, TerraformStack, Testing } from "cdktf";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Construct } from "constructs";
import { PolicyAspect } from "../../policy/policy-aspect";
import { formatPolicyReport } from "../../policy/report";
import { PolicyRule, ResolvedResource } from "../../policy/types";
import { compliantDatabase, compliantLaunchTemplate } from "./fixtures-aws";
import { checkFixture } from "./support";

/** Two services whose launch templates allow IMDSv1: two AWS-EC2-IMDSV2 findings. */
function twoLaxServices(scope: Construct): void {
  for (const name of ["api", "chat"]) {
    const service = new Construct(scope, name);
    new LaunchTemplate(service, "template", {
      name,
      metadataOptions: { httpTokens: "optional" },
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }],
    });
  }
}

const REASON = "api still runs an SDK without IMDSv2 support; upgrade tracked in OPS-123";

describe("suppressions", () => {
  test("a suppression silences exactly one finding and the report keeps its reason", () => {
    const aspect = checkFixture("aws", twoLaxServices, {
      production: true,
      suppressions: [{ rule: "AWS-EC2-IMDSV2", resource: "api/template", reason: REASON }],
    });
    const findings = aspect.findings();
    expect(findings.map((finding) => [finding.rule, finding.resource, finding.suppressedReason])).toEqual([
      ["AWS-EC2-IMDSV2", "api/template", REASON],
      ["AWS-EC2-IMDSV2", "chat/template", undefined],
    ]);
    expect(aspect.blocking().map((finding) => finding.resource)).toEqual(["chat/template"]);
    expect(aspect.unusedSuppressions()).toEqual([]);
    const report = formatPolicyReport("aws-prod", findings);
    expect(report).toContain(`suppressed: ${REASON}`);
    expect(report.split("\n")[0]).toBe("policy aws-prod: 1 open finding (1 high, 0 medium, 0 low), 1 suppressed");
  });

  test("a suppression that matches nothing is reported as unused, and shown in the report", () => {
    const stale = { rule: "AWS-EC2-IMDSV2", resource: "retired-service/template", reason: "old exception" };
    const aspect = checkFixture("aws", (scope) => compliantLaunchTemplate(scope, "template"), { suppressions: [stale] });
    expect(aspect.findings()).toEqual([]);
    expect(aspect.unusedSuppressions()).toEqual([stale]);
    expect(formatPolicyReport("aws-dev", aspect.findings(), { unusedSuppressions: aspect.unusedSuppressions() })).toBe(
      "policy aws-dev: no findings\nstale suppression: AWS-EC2-IMDSV2 on retired-service/template matched nothing (reason was: old exception)",
    );
  });

  test("a suppression of a production-only rule is unused outside production", () => {
    const suppression = { rule: "AWS-RDS-MULTI-AZ", resource: "db", reason: "single-AZ accepted" };
    const build = (scope: Construct) => compliantDatabase(scope, "db", { multiAz: false });
    expect(checkFixture("aws", build, { production: true, suppressions: [suppression] }).unusedSuppressions()).toEqual([]);
    expect(checkFixture("aws", build, { production: false, suppressions: [suppression] }).unusedSuppressions()).toEqual([suppression]);
  });

  test.each([
    [{ rule: "AWS-EC2-IMDSV1", resource: "api/template", reason: "r" }, 'PolicyAspect: suppressions[0].rule: "AWS-EC2-IMDSV1" is not a rule id (one of AWS-SG-INGRESS-ADMIN-OPEN, '],
    [{ rule: "AWS-EC2-IMDSV2", resource: " ", reason: "r" }, "PolicyAspect: suppressions[0].resource: is empty (the construct path relative to the stack, e.g. database/instance)"],
    [{ rule: "AWS-EC2-IMDSV2", resource: "api/template", reason: "" }, "PolicyAspect: suppressions[0].reason: is empty (say why AWS-EC2-IMDSV2 is accepted on api/template)"],
  ])("invalid suppression %j is rejected", (suppression, message) => {
    expect(() => new PolicyAspect({ production: true, suppressions: [suppression] })).toThrow(message);
  });

  test("the same rule and resource cannot be suppressed twice", () => {
    const entry = { rule: "AWS-EC2-IMDSV2", resource: "api/template", reason: "r" };
    expect(() => new PolicyAspect({ production: true, suppressions: [entry, { ...entry, reason: "again" }] })).toThrow(
      "PolicyAspect: suppressions[1]: AWS-EC2-IMDSV2 on api/template is suppressed twice (one suppression per rule and resource)",
    );
  });
});

describe("blocking", () => {
  test("is empty outside production even with high findings", () => {
    const aspect = checkFixture("aws", twoLaxServices, { production: false });
    expect(aspect.findings().filter((finding) => finding.severity === "high")).toHaveLength(2);
    expect(aspect.blocking()).toEqual([]);
  });

  test("ignores medium findings in production", () => {
    const aspect = checkFixture("aws", (scope) => compliantDatabase(scope, "db", { multiAz: false }), { production: true });
    expect(aspect.findings().map((finding) => `${finding.severity} ${finding.rule}`)).toEqual(["medium AWS-RDS-MULTI-AZ"]);
    expect(aspect.blocking()).toEqual([]);
  });
});

describe("evaluation", () => {
  test("findings() before synthesis is an error, not an empty list", () => {
    expect(() => new PolicyAspect({ production: true }).findings()).toThrow(
      "PolicyAspect: findings() before synthesis (add it with Aspects.of(stack).add(...) and synthesize the stack first)",
    );
  });

  test("sees escape-hatch overrides, and a later synthesis re-evaluates", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const template = compliantLaunchTemplate(stack, "template");
    const aspect = new PolicyAspect({ production: true });
    Aspects.of(stack).add(aspect);
    Testing.synth(stack);
    expect(aspect.findings()).toEqual([]);
    template.addOverride("metadata_options.http_tokens", "optional");
    Testing.synth(stack);
    expect(aspect.findings().map((finding) => `${finding.rule}: ${finding.detail}`)).toEqual([
      'AWS-EC2-IMDSV2: metadata_options.http_tokens is "optional" (must be "required")',
    ]);
  });

  test("rules get resolved JSON: references as ${type.id.attr}, paths relative to the stack, the whole stack in `all`", () => {
    const seen: { self: ResolvedResource; all: ResolvedResource[]; config: any }[] = [];
    const probe: PolicyRule = {
      id: "TEST-PROBE",
      severity: "low",
      title: "probe",
      fix: "none",
      resourceTypes: ["aws_subnet"],
      check: (config, context) => {
        seen.push({ config, ...context });
        return "probed";
      },
    };
    const aspect = checkFixture(
      "aws",
      (scope) => {
        const network = new Construct(scope, "network");
        const vpc = new Vpc(network, "vpc", { cidrBlock: "10.0.0.0/16" });
        new Subnet(network, "subnet", { vpcId: vpc.id, cidrBlock: "10.0.1.0/24" });
      },
      { rules: [probe] },
    );
    const [finding] = aspect.findings();
    expect(seen).toHaveLength(1);
    const { self, all, config } = seen[0];
    expect(self).toEqual({ type: "aws_subnet", logicalId: expect.stringMatching(/^network_subnet_/), path: "network/subnet", config });
    const vpc = all.find((resource) => resource.type === "aws_vpc")!;
    expect(vpc.path).toBe("network/vpc");
    expect(config).toEqual({ cidr_block: "10.0.1.0/24", vpc_id: "${aws_vpc." + vpc.logicalId + ".id}" });
    expect(all.find((resource) => resource.type === "provider")).toEqual({
      type: "provider",
      logicalId: "aws",
      path: "aws",
      config: { region: "eu-west-1" },
    });
    expect(finding).toEqual({
      rule: "TEST-PROBE",
      severity: "low",
      resource: "network/subnet",
      address: `aws_subnet.${self.logicalId}`,
      title: "probe",
      detail: "probed",
      fix: "none",
    });
  });

  test("an aspect added to part of a stack checks that part only", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    twoLaxServices(stack);
    const aspect = new PolicyAspect({ production: true });
    Aspects.of(stack.node.findChild("chat")).add(aspect);
    Testing.synth(stack);
    expect(aspect.findings().map((finding) => finding.resource)).toEqual(["chat/template"]);
  });

  test("one aspect cannot span two stacks (findings name resources by their path in one stack)", () => {
    const app = Testing.app();
    const aspect = new PolicyAspect({ production: true });
    for (const id of ["one", "two"]) {
      const stack = new TerraformStack(app, id);
      new AwsProvider(stack, "aws", { region: "eu-west-1" });
      Aspects.of(stack).add(aspect);
      if (id === "one") Testing.synth(stack);
      else expect(() => Testing.synth(stack)).toThrow("PolicyAspect: visited two after one (add one PolicyAspect per stack");
    }
  });

  test("rule ids must be unique", () => {
    const probe: PolicyRule = { id: "X", severity: "low", title: "t", fix: "f", resourceTypes: ["*"], check: () => undefined };
    expect(() => new PolicyAspect({ production: false, rules: [probe, probe] })).toThrow(
      "PolicyAspect: rules[1].id: X appears twice (rule ids are unique)",
    );
  });

  test("a rule that throws names itself and the resource", () => {
    const broken: PolicyRule = {
      id: "BROKEN",
      severity: "low",
      title: "t",
      fix: "f",
      resourceTypes: ["aws_launch_template"],
      check: () => {
        throw new Error("boom");
      },
    };
    const aspect = checkFixture("aws", (scope) => compliantLaunchTemplate(scope, "template"), { rules: [broken] });
    expect(() => aspect.findings()).toThrow("PolicyAspect: rule BROKEN failed on template: boom");
  });
});
