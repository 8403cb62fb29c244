/**
 * What synthesis wrote, read back for the laptop commands: the stack ids in cdktf.out's
 * manifest, each stack's file and resource count, and which stacks a name on the command line
 * means. The manifest is the source (not config/): it lists exactly what `cdktf diff|deploy`
 * can act on.
 */
import * as fs from "fs";
import * as path from "path";
import { counted } from "../lib/text";

export interface StackSummary {
  readonly id: string;
  /** The stack's synthesized Terraform JSON (absolute). */
  readonly file: string;
  readonly resources: number;
}

/** The stacks listed in `<outdir>/manifest.json`, in its order, with their resource counts. */
export function readStacks(outdir: string): StackSummary[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  return Object.values<{ name: string; synthesizedStackPath: string }>(manifest.stacks ?? {}).map((stack) => {
    const file = path.resolve(outdir, stack.synthesizedStackPath);
    return { id: stack.name, file, resources: resourceCount(JSON.parse(fs.readFileSync(file, "utf8"))) };
  });
}

/** Managed resources in a stack's Terraform JSON (`resource.<type>.<name>`); data sources are not resources. */
export function resourceCount(stackJson: any): number {
  return Object.values<Record<string, unknown>>(stackJson?.resource ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
}

/** `<cloud>-<env>` (lib/naming.ts stackId): the environment is everything after the cloud. */
export function environmentOf(stackId: string): string {
  return stackId.slice(stackId.indexOf("-") + 1);
}

/**
 * The stacks `name` means: a stack id (aws-dev) is that stack, an environment (dev) every stack
 * of it, in manifest order. Otherwise a one-line problem listing what is valid.
 */
export function resolveStacks(name: string, stackIds: readonly string[]): { stacks: string[] } | { problem: string } {
  if (stackIds.includes(name)) return { stacks: [name] };
  const ofEnvironment = stackIds.filter((id) => environmentOf(id) === name);
  if (ofEnvironment.length > 0) return { stacks: ofEnvironment };
  return { problem: `unknown stack or environment '${name}': ${validNames(stackIds)}` };
}

/** "stacks: aws-dev, gcp-dev; environments: dev" — what a command accepts. */
export function validNames(stackIds: readonly string[]): string {
  if (stackIds.length === 0) return "no stacks were synthesized (is config/ empty?)";
  const environments = [...new Set(stackIds.map(environmentOf))];
  return `stacks: ${stackIds.join(", ")}; environments: ${environments.join(", ")}`;
}

/**
 * One line per stack, columns aligned: `aws-dev  cdktf.out/stacks/aws-dev/cdk.tf.json  86 resources`.
 * Paths are relative to `cwd` when inside it, so they can be pasted as they are.
 */
export function stackLines(stacks: readonly StackSummary[], cwd = process.cwd()): string[] {
  const shown = stacks.map((stack) => {
    const relative = path.relative(cwd, stack.file);
    return [stack.id, relative.startsWith("..") || path.isAbsolute(relative) ? stack.file : relative, counted(stack.resources, "resource")];
  });
  const widths = [0, 1].map((column) => Math.max(0, ...shown.map((cells) => cells[column].length)));
  return shown.map((cells) => cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell)).join("  "));
}
