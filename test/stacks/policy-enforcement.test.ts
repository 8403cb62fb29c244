/** The policy pack as wired into synthesis: reports every stack, blocks production on high findings. */
import { Testing } from "cdktf";
import { AwsWebStack } from "../../stacks/aws/stack";
import { addEnvironmentStacks, enforcePolicy } from "../../stacks/app";
import { ConfigError } from "../../lib/errors";
import { EnvironmentSpec } from "../../environment/schema";
import { exampleEnvironments } from "../support/example-stacks";

/** Builds the example app, lets `tamper` break a stack, synthesizes, and runs the enforcement. */
function synthAndEnforce(
  tamper: (stacks: Record<string, AwsWebStack>) => void,
  edit: (environments: EnvironmentSpec[]) => EnvironmentSpec[] = (e) => e,
  only?: "dev" | "prod",
) {
  const environments = edit(exampleEnvironments().filter((environment) => !only || environment.name === only));
  const app = Testing.app();
  addEnvironmentStacks(app, environments);
  tamper(Object.fromEntries(app.node.children.filter((c) => c instanceof AwsWebStack).map((c) => [c.node.id, c as AwsWebStack])));
  app.synth();
  const printed: string[] = [];
  let error: unknown;
  try {
    enforcePolicy(app, environments, (text) => printed.push(text));
  } catch (caught) {
    error = caught;
  }
  return { printed, error };
}


test("the example stacks pass: one report line per stack", () => {
  const { printed, error } = synthAndEnforce(() => undefined);
  expect(error).toBeUndefined();
  expect(printed).toEqual(["policy aws-dev: no findings", "policy gcp-dev: no findings", "policy aws-prod: no findings", "policy gcp-prod: no findings"]);
});

test("a high finding in production stops synthesis with one line naming the file, rule, resource and fix", () => {
  const { printed, error } = synthAndEnforce((stacks) => {
    (stacks["aws-prod"].database!.node.findChild("instance") as any).addOverride("publicly_accessible", true);
  }, undefined, "prod");
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).lines).toEqual([
    expect.stringMatching(/config\/prod\.yaml: policy AWS-RDS-PUBLIC on aws-prod\/database\/instance: .*\(fix: .*; or suppress it under policy\.suppressions with a reason\)$/),
  ]);
  expect(printed.find((text) => text.startsWith("policy aws-prod"))).toMatch(/AWS-RDS-PUBLIC/);
});

test("the same finding in development is reported but does not block", () => {
  const { printed, error } = synthAndEnforce((stacks) => {
    (stacks["aws-dev"].database!.node.findChild("instance") as any).addOverride("publicly_accessible", true);
  }, undefined, "dev");
  expect(error).toBeUndefined();
  expect(printed.find((text) => text.startsWith("policy aws-dev"))).toMatch(/high.*AWS-RDS-PUBLIC.*database\/instance/s);
});

test("a suppression in config silences it, and the report shows the written reason", () => {
  const reason = "public read replica for the analytics vendor, approved in SEC-123";
  const { printed, error } = synthAndEnforce(
    (stacks) => (stacks["aws-prod"].database!.node.findChild("instance") as any).addOverride("publicly_accessible", true),
    (environments) =>
      environments.map((environment) =>
        environment.name === "prod"
          ? { ...environment, policy: { suppressions: [{ rule: "AWS-RDS-PUBLIC", resource: "database/instance", cloud: "aws" as const, reason }] } }
          : environment,
      ),
    "prod",
  );
  expect(error).toBeUndefined();
  expect(printed.find((text) => text.startsWith("policy aws-prod"))).toContain(reason);
  // Scoped to AWS, so the GCP stack of the same environment does not call it stale.
  expect(printed.find((text) => text.startsWith("policy gcp-prod"))).toBe("policy gcp-prod: no findings");
});
