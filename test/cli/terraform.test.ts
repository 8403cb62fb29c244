/**
 * The Terraform check in front of `npm run diff|deploy|destroy`: a missing or too-old terraform is
 * one line with the version found and where to install one, never cdktf's `execvp(3) failed`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkTerraform, INSTALL_URL, satisfies } from "../../cli/terraform";
import { REQUIRED_TERRAFORM_VERSION } from "../../lib/terraform-version";

/** A directory holding only a fake `terraform` that prints `output` and exits `status`. */
function fakeTerraform(output: string, status = 0): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-terraform-"));
  fs.writeFileSync(path.join(dir, "terraform"), `#!/bin/sh\nprintf '%s\\n' '${output}'\nexit ${status}\n`, { mode: 0o755 });
  return dir;
}

test("Terraform's constraint operators, as the stacks' required_version uses them", () => {
  expect(satisfies("1.11.0", ">= 1.11")).toBe(true);
  expect(satisfies("1.12.2", ">= 1.11")).toBe(true);
  expect(satisfies("2.0.0", ">= 1.11")).toBe(true);
  expect(satisfies("1.10.5", ">= 1.11")).toBe(false);
  expect(satisfies("0.15.5", ">= 1.11")).toBe(false);
  expect(satisfies("1.11.4", ">= 1.11, < 2.0")).toBe(true);
  expect(satisfies("2.0.0", ">= 1.11, < 2.0")).toBe(false);
  expect(satisfies("1.14.0", "~> 1.11")).toBe(true);
  expect(satisfies("2.0.0", "~> 1.11")).toBe(false);
  expect(satisfies("1.11.9", "~> 1.11.2")).toBe(true);
  expect(satisfies("1.12.0", "~> 1.11.2")).toBe(false);
  expect(satisfies("1.11.0", "1.11.0")).toBe(true);
  expect(satisfies("1.11.1", "!= 1.11.1")).toBe(false);
  expect(satisfies("1.12.0-beta1", ">= 1.11")).toBe(true);
});

test("a new enough terraform passes, with its path and version", () => {
  const dir = fakeTerraform("Terraform v1.11.4");
  expect(checkTerraform({ PATH: dir }, ">= 1.11")).toEqual({ ok: true, path: path.join(dir, "terraform"), version: "1.11.4" });
});

const INSTALL = `install Terraform ${REQUIRED_TERRAFORM_VERSION} (${INSTALL_URL}) and put it on PATH`;

test("a too-old terraform is refused with the version and path found, what is needed and where to get it", () => {
  const dir = fakeTerraform("Terraform v1.9.8");
  expect(checkTerraform({ PATH: dir }, ">= 1.11")).toEqual({
    ok: false,
    problem: `terraform 1.9.8 at ${path.join(dir, "terraform")} is too old, the stacks need >= 1.11: install Terraform >= 1.11 (${INSTALL_URL}) and put it on PATH`,
  });
  // By default the requirement is the one every stack declares.
  expect(checkTerraform({ PATH: fakeTerraform("Terraform v0.12.31") })).toMatchObject({ ok: false, problem: expect.stringContaining(`the stacks need ${REQUIRED_TERRAFORM_VERSION}: `) });
});

test("no terraform on PATH, or one that is not executable, says so and how to install it", () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-terraform-"));
  fs.writeFileSync(path.join(empty, "terraform"), "not executable", { mode: 0o644 });
  expect(checkTerraform({ PATH: empty })).toEqual({
    ok: false,
    problem: `terraform not found on PATH: ${INSTALL}`,
  });
  expect(checkTerraform({})).toMatchObject({ ok: false, problem: expect.stringMatching(/^terraform not found on PATH/) });
});

test("a terraform that prints no version is named, not trusted", () => {
  const dir = fakeTerraform("segmentation fault", 139);
  const check = checkTerraform({ PATH: dir });
  expect(check).toEqual({ ok: false, problem: expect.stringContaining(`${path.join(dir, "terraform")} did not report a Terraform version (exit 139)`) });
});
