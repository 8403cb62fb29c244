/**
 * The shipped example environments (config/) comply: no findings at all on the four stacks.
 * Accepted medium/low findings: none (the list below is empty on purpose; add entries here,
 * with the reason, if a deliberate exception ever appears).
 */
import { Aspects, Testing, TerraformStack } from "cdktf";
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import { PolicyAspect } from "../../policy/policy-aspect";
import { ALL_RULES } from "../../policy/rules";
import { PolicyModes, PolicyRule } from "../../policy/types";
import { formatPolicyReport } from "../../policy/report";
import { addEnvironmentStacks, stackId } from "../../stacks/app";
import { isProduction } from "../../stacks/common";
import { Cloud, EnvironmentSpec } from "../../environment/schema";
import { exampleEnvironments, scenarioEnvironments, synthExampleStacks } from "../support/example-stacks";

const ACCEPTED_FINDINGS: { stack: string; rule: string; resource: string; why: string }[] = [];

/** How one PolicyAspect is configured; `production` decides the mode per environment. */
interface Variant {
  production: (environment: EnvironmentSpec) => boolean;
  rules?: PolicyRule[];
  modes?: PolicyModes;
}

/**
 * Every example stack checked by one PolicyAspect per variant. The aspects only read, so they
 * share one construct tree and one resolve of each stack (synthesizing per variant was most of
 * this file's time).
 */
function checkExamples<V extends string>(variants: Record<V, Variant>, environments = exampleEnvironments()): Record<V, Record<string, PolicyAspect>> {
  const app = Testing.app();
  const ids = addEnvironmentStacks(app, environments);
  const names = Object.keys(variants) as V[];
  const aspects: Record<string, Record<string, PolicyAspect>> = Object.fromEntries(names.map((name) => [name, {}]));
  for (const environment of environments) {
    for (const cloud of ["aws", "gcp"] as Cloud[]) {
      const id = stackId(cloud, environment.name);
      if (!ids.includes(id)) continue;
      const stack = app.node.findChild(id) as TerraformStack;
      for (const name of names) {
        const { production, rules, modes } = variants[name];
        Aspects.of(stack).add((aspects[name][id] = new PolicyAspect({ production: production(environment), rules, modes })));
      }
      invokeAspects(stack);
      const json = stack.toTerraform();
      for (const name of names) aspects[name][id].useSynthesized(json);
    }
  }
  return aspects as Record<V, Record<string, PolicyAspect>>;
}

const PROBE: PolicyRule = { id: "PROBE", severity: "low", title: "t", fix: "f", resourceTypes: ["*"], check: () => "seen" };
const examples = checkExamples({
  deployed: { production: isProduction },
  probed: { production: isProduction, rules: [...ALL_RULES, PROBE] },
  allProduction: { production: () => true },
  withModes: { production: isProduction, modes: { natLess: true, httpOnly: true } },
});

describe("example stacks as deployed (production = stage: production)", () => {
  const aspects = examples.deployed;

  test("are the four stacks aws-dev, aws-prod, gcp-dev, gcp-prod", () => {
    expect(Object.keys(aspects).sort()).toEqual(["aws-dev", "aws-prod", "gcp-dev", "gcp-prod"]);
  });

  test.each(["aws-dev", "aws-prod", "gcp-dev", "gcp-prod"])("%s: no high findings, nothing blocks", (id) => {
    expect(aspects[id].findings().filter((finding) => finding.severity === "high")).toEqual([]);
    expect(aspects[id].blocking()).toEqual([]);
  });

  test.each(["aws-dev", "aws-prod", "gcp-dev", "gcp-prod"])("%s: no medium/low findings beyond the accepted list", (id) => {
    const accepted = ACCEPTED_FINDINGS.filter((entry) => entry.stack === id);
    const unexpected = aspects[id]
      .findings()
      .filter((finding) => !accepted.some((entry) => entry.rule === finding.rule && entry.resource === finding.resource));
    expect(unexpected).toEqual([]);
    expect(formatPolicyReport(id, aspects[id].findings())).toBe(`policy ${id}: no findings`);
  });
});

test("the aspect sees every resource and provider block of each example stack (no findings is not for lack of input)", () => {
  const aspects = examples.probed;
  const stacks = synthExampleStacks();
  for (const [id, aspect] of Object.entries(aspects)) {
    const { json } = stacks[id];
    const resources = Object.values(json.resource as Record<string, object>).reduce((sum, byId) => sum + Object.keys(byId).length, 0);
    const providers = Object.values(json.provider as Record<string, unknown[]>).reduce((sum, blocks) => sum + blocks.length, 0);
    expect(aspect.findings().filter((finding) => finding.rule === "PROBE")).toHaveLength(resources + providers);
    expect(aspect.findings().filter((finding) => finding.rule !== "PROBE")).toEqual([]);
  }
});

describe("production-only rules", () => {
  test("do not fire on the dev stacks", () => {
    const aspects = examples.deployed;
    for (const id of ["aws-dev", "gcp-dev"]) {
      expect(aspects[id].findings()).toEqual([]);
    }
  });

  test("would fire on the dev stacks if they were production (the rules are live, only gated)", () => {
    const aspects = examples.allProduction;
    const summary = (id: string) => aspects[id].findings().map((finding) => `${finding.severity} ${finding.rule} ${finding.resource}`);
    expect(summary("aws-dev")).toEqual([
      "high AWS-RDS-DELETION-PROTECTION database/instance",
      "medium AWS-ALB-DELETION-PROTECTION load-balancer/alb",
      "medium AWS-RDS-MULTI-AZ database/instance",
    ]);
    expect(summary("gcp-dev")).toEqual(["high GCP-SQL-DELETION-PROTECTION database/instance", "medium GCP-SQL-REGIONAL database/instance"]);
    expect(aspects["aws-dev"].blocking().map((finding) => finding.rule)).toEqual(["AWS-RDS-DELETION-PROTECTION"]);
    expect(aspects["aws-prod"].findings()).toEqual([]);
    expect(aspects["gcp-prod"].findings()).toEqual([]);
  });
});

describe("deployment modes", () => {
  test("on the shipped examples (NAT, HTTPS with a redirect) the modes find nothing to excuse", () => {
    const aspects = examples.withModes;
    for (const [id, aspect] of Object.entries(aspects)) expect([id, aspect.findings()]).toEqual([id, []]);
  });

  // The deployment-shape examples that choose each mode: the real constructs, so the NAT-less
  // claim (instances admit only the load balancer) is checked against what the stacks build.
  test.each([
    ["nat-less", "natLess", ["AWS-EC2-PUBLIC-IP", "GCP-VM-EXTERNAL-IP"], "NAT-less layout (aws.network.nat: none / gcp.network.nat: none): "],
    ["http-only", "httpOnly", ["AWS-ELB-HTTP-REDIRECT", "GCP-LB-HTTP-REDIRECT"], "HTTP-only: no domain, so no certificate; add a domain for HTTPS ("],
  ] as const)("examples/%s: high without the mode, medium naming the mode with it (development)", (shape, mode, rules, prefix) => {
    const checked = checkExamples({ without: { production: () => false }, with: { production: () => false, modes: { [mode]: true } } }, scenarioEnvironments(shape));
    const summary = (aspects: Record<string, PolicyAspect>) =>
      Object.values(aspects).flatMap((aspect) =>
        aspect.findings().map((finding) => `${finding.severity} ${finding.rule} ${finding.detail.startsWith(prefix) ? "names the mode" : "plain"}`),
      );
    expect(summary(checked.without)).toEqual(rules.map((rule) => `high ${rule} plain`));
    expect(summary(checked.with)).toEqual(rules.map((rule) => `medium ${rule} names the mode`));
  });
});
