/** `npm run deploy` on a machine without terraform, run as users run it (a child process). */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { INSTALL_URL } from "../../cli/terraform";
import { REQUIRED_TERRAFORM_VERSION } from "../../lib/terraform-version";

const ROOT = path.join(__dirname, "..", "..");

test("npm run deploy without terraform: one line with the install hint, no stack trace, exit 3, nothing run", () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-terraform-"));
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "cli", "stack-command.ts"), "deploy", "aws-dev"], {
    cwd: ROOT,
    env: { ...process.env, PATH: empty },
    encoding: "utf8",
  });
  expect(result.stderr).toBe(`deploy: terraform not found on PATH: install Terraform ${REQUIRED_TERRAFORM_VERSION} (${INSTALL_URL}) and put it on PATH\n`);
  expect(result.stdout).toBe("");
  expect(result.status).toBe(3);
  fs.rmSync(empty, { recursive: true });
});
