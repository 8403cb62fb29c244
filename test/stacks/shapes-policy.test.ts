/**
 * The policy pack on the deployment shapes, as `cdktf synth` runs it (the stacks attach it with
 * the environment's modes): a shape chosen on purpose reports what it trades away as medium,
 * naming the mode; HTTP-only still blocks production.
 */
import { Testing } from "cdktf";
import { addEnvironmentStacks } from "../../stacks/app";
import { AwsWebStack } from "../../stacks/aws/stack";
import { GcpWebStack } from "../../stacks/gcp/stack";
import { EnvironmentSpec } from "../../environment/schema";
import { scenarioEnvironments, scenarioNames } from "../support/example-stacks";

function findings(environments: EnvironmentSpec[]): Record<string, { rule: string; severity: string; detail: string }[]> {
  const app = Testing.app();
  const ids = addEnvironmentStacks(app, environments);
  return Object.fromEntries(
    ids.map((id) => {
      const stack = app.node.findChild(id) as AwsWebStack | GcpWebStack;
      Testing.synth(stack);
      return [id, stack.policy.findings().map(({ rule, severity, detail }) => ({ rule, severity, detail }))];
    }),
  );
}

test.each(scenarioNames().filter((shape) => !["nat-less", "http-only"].includes(shape)))("%s: no findings on either cloud", (shape) => {
  for (const list of Object.values(findings(scenarioEnvironments(shape)))) expect(list).toEqual([]);
});

test("nat-less: the instances' public IPs are a medium finding naming the layout, on both clouds", () => {
  const result = findings(scenarioEnvironments("nat-less"));
  expect(result["aws-dev"]).toEqual([{ rule: "AWS-EC2-PUBLIC-IP", severity: "medium", detail: expect.stringMatching(/^NAT-less layout/) }]);
  expect(result["gcp-dev"]).toEqual([{ rule: "GCP-VM-EXTERNAL-IP", severity: "medium", detail: expect.stringMatching(/^NAT-less layout/) }]);
});

test("http-only: plain HTTP is medium in development and blocks production, naming the mode", () => {
  const [dev] = scenarioEnvironments("http-only");
  const development = findings([dev]);
  expect(development["aws-dev"]).toEqual([{ rule: "AWS-ELB-HTTP-REDIRECT", severity: "medium", detail: expect.stringMatching(/^HTTP-only/) }]);
  expect(development["gcp-dev"]).toEqual([{ rule: "GCP-LB-HTTP-REDIRECT", severity: "medium", detail: expect.stringMatching(/^HTTP-only/) }]);
  const production = findings([{ ...dev, stage: "production" }]);
  expect(production["aws-dev"].map(({ rule, severity }) => [rule, severity])).toContainEqual(["AWS-ELB-HTTP-REDIRECT", "high"]);
  expect(production["gcp-dev"].map(({ rule, severity }) => [rule, severity])).toContainEqual(["GCP-LB-HTTP-REDIRECT", "high"]);
});
