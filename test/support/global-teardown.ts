import * as fs from "fs";
import { EXAMPLE_STACKS_DIR_VARIABLE } from "./example-stacks";

export default function globalTeardown(): void {
  const dir = process.env[EXAMPLE_STACKS_DIR_VARIABLE];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
