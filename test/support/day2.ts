/**
 * Day-2 transitions of the shipped environments (config/), planned offline against their
 * "deployed" stacks (see deployed-state.ts): a test edits the loaded EnvironmentSpec in code,
 * synthesizes it and reads which resources the real provider would update or replace.
 * Each stack is deployed (its state fabricated and settled) once per test file and kept.
 */
import { EnvironmentSpec } from "../../environment/schema";
import { synthesizeStackJson } from "../../stacks/synthesize";
import { exampleEnvironments } from "./example-stacks";
import { DeployedStack, deployStack, planChange } from "./deployed-state";
import { findOfflineToolchain, OfflineToolchain, removeWorkDir } from "./offline-terraform";

export const toolchain = findOfflineToolchain();

/** describe, or describe.skip with a banner on stderr when terraform or the mirror is missing. */
export function describeDay2(title: string): jest.Describe {
  if (!("missing" in toolchain)) return describe;
  const banner = `DAY-2 TRANSITION PLANS SKIPPED (${title}): ${toolchain.missing}. The transitions were NOT checked against the real provider.`;
  process.stderr.write(`\n${"!".repeat(banner.length)}\n${banner}\n${"!".repeat(banner.length)}\n`);
  return describe.skip;
}

function ready(): OfflineToolchain {
  if ("missing" in toolchain) throw new Error(toolchain.missing);
  return toolchain;
}

/** A fresh, editable copy of config/<name>.yaml as loaded and validated. */
export function environment(name: string): EnvironmentSpec {
  const spec = exampleEnvironments().find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`no environment ${name} in config/`);
  return structuredClone(spec);
}

/** The AWS stack JSON of one environment. */
export function awsStack(spec: EnvironmentSpec): any {
  return synthesizeStackJson([spec])[`aws-${spec.name}`];
}

const deployments = new Map<string, DeployedStack>();

/** The deployed stack of an environment (optionally edited first), settled once per key. */
export function deployed(name: string, edit: (spec: EnvironmentSpec) => void = () => undefined, key = name): DeployedStack {
  let deployment = deployments.get(key);
  if (!deployment) {
    const spec = environment(name);
    edit(spec);
    deployment = deployStack(awsStack(spec), ready(), { confirm: false });
    deployments.set(key, deployment);
  }
  return deployment;
}

/** Plan of config/<name>.yaml edited by `edit`, against the deployed stack `from` (default: unedited). */
export function planEdit(name: string, edit: (spec: EnvironmentSpec) => void, from: DeployedStack = deployed(name)): any {
  const spec = environment(name);
  edit(spec);
  return planChange(from, awsStack(spec), ready());
}

/** Removes every deployed stack's working directory; call from afterAll. */
export function forgetDeployments(): void {
  for (const deployment of deployments.values()) removeWorkDir(deployment.workDir);
  deployments.clear();
}

/** What a plan does, resource by resource: address → "update", "create", "delete", "create,delete" (…). */
export function actionsByAddress(plan: any): Record<string, string> {
  return Object.fromEntries(
    (plan.resource_changes ?? [])
      .filter((change: any) => !["no-op", "read"].includes(change.change.actions.join()))
      .map((change: any) => [change.address, change.change.actions.join(",")]),
  );
}

/** The same, counted per resource type and actions: { "aws_subnet create": 2, … }. */
export function actionsByType(plan: any): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [address, actions] of Object.entries(actionsByAddress(plan))) {
    const key = `${address.split(".")[0]} ${actions}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** The planned change of one resource, found by type and a part of its address. */
export function changeOf(plan: any, type: string, addressPart = ""): any {
  const found = (plan.resource_changes ?? []).filter((change: any) => change.type === type && change.address.includes(addressPart));
  if (found.length !== 1) throw new Error(`${found.length} ${type} changes match "${addressPart}"`);
  return found[0].change;
}
