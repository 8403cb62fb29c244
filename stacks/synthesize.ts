/**
 * The environments' stacks as Terraform JSON in memory, for the tools and tests that read the
 * JSON rather than deploy it (diagram, the example stacks shared by the tests). `cdktf synth`
 * goes through main() in app.ts instead, which writes files and enforces the policy pack.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformStack, Testing } from "cdktf";
import { EnvironmentSpec } from "../environment/schema";
import { addEnvironmentStacks } from "./app";

/**
 * Synthesized JSON of every stack, keyed by stack id in the order the app adds them. Testing.synth
 * drops cdktf's "//" metadata (construct paths, versions), so the JSON is what Terraform reads.
 */
export function synthesizeStackJson(environments: EnvironmentSpec[]): Record<string, any> {
  // The App wants an output directory even though nothing is written to it.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "synthesize-"));
  try {
    const app = Testing.app({ outdir });
    const ids = addEnvironmentStacks(app, environments);
    return Object.fromEntries(ids.map((id) => [id, JSON.parse(Testing.synth(app.node.findChild(id) as TerraformStack))]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
