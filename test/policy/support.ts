/** Builds fixtures in a stack, runs PolicyAspect through Testing.synth, and returns the aspect. */
import { Aspects, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Construct } from "constructs";
import { PolicyAspect } from "../../policy/policy-aspect";
import { ALL_RULES } from "../../policy/rules";
import { Finding, PolicyModes, PolicyRule, Suppression } from "../../policy/types";

export type Cloud = "aws" | "gcp";

/** "none": the fixture declares its own provider (for provider-block rules). */
export type FixtureCloud = Cloud | "none";

export interface CheckOptions {
  production?: boolean;
  suppressions?: Suppression[];
  rules?: PolicyRule[];
  modes?: PolicyModes;
}

/** A stack with the cloud's provider, the fixture, and a PolicyAspect, synthesized once. */
export function checkFixture(cloud: FixtureCloud, build: (scope: Construct) => void, options: CheckOptions = {}): PolicyAspect {
  const stack = new TerraformStack(Testing.app(), "fixture");
  if (cloud === "aws") new AwsProvider(stack, "aws", { region: "eu-west-1" });
  else if (cloud === "gcp") new GoogleProvider(stack, "google", { project: "test-project", region: "europe-west1" });
  build(stack);
  const { production = false, suppressions, rules, modes } = options;
  const aspect = new PolicyAspect({ production, suppressions, rules, modes });
  Aspects.of(stack).add(aspect);
  Testing.synth(stack);
  return aspect;
}

/** Findings of one rule only (fixtures may break other rules too; each test looks at its own). */
export function findingsOf(aspect: PolicyAspect, ruleId: string): Finding[] {
  return aspect.findings().filter((finding) => finding.rule === ruleId);
}

export function rule(id: string): PolicyRule {
  const found = ALL_RULES.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
}
