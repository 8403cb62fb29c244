/** Once per jest run: synthesize the example stacks for every test file to share (see example-stacks.ts). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXAMPLE_STACKS_DIR_VARIABLE, synthesizeExampleStacks, synthesizeScenarioStacks } from "./example-stacks";

export default function globalSetup(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "example-stacks-"));
  for (const [id, json] of Object.entries(synthesizeExampleStacks())) {
    fs.writeFileSync(path.join(dir, `${id}.json`), JSON.stringify(json));
  }
  fs.mkdirSync(path.join(dir, "scenarios"));
  for (const [key, json] of Object.entries(synthesizeScenarioStacks())) {
    fs.writeFileSync(path.join(dir, "scenarios", `${key.replace("/", "__")}.json`), JSON.stringify(json));
  }
  // Workers start after this and inherit the environment.
  process.env[EXAMPLE_STACKS_DIR_VARIABLE] = dir;
}
