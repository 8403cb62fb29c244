/** A stack directory as synthesis lays it out, holding only what the CI scripts read. */
import * as fs from "fs";
import * as path from "path";

/** Writes <root>/stacks/<stack>/cdk.tf.json with this `terraform` block and no resources; returns the directory. */
export function writeStackDir(root: string, stack: string, terraform: unknown): string {
  const dir = path.join(root, "stacks", stack);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify({ terraform, resource: {} }));
  return dir;
}
