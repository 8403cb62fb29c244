/**
 * Is a Terraform that can run these stacks on PATH? Checked before `cdktf diff|deploy|destroy`,
 * which would otherwise fail with `execvp(3) failed` when there is none, or after init with a
 * version error when it is too old. The version needed is the one every stack declares
 * (REQUIRED_TERRAFORM_VERSION), so the two can never disagree.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REQUIRED_TERRAFORM_VERSION } from "../lib/terraform-version";

export const INSTALL_URL = "https://developer.hashicorp.com/terraform/install";

export type TerraformCheck = { ok: true; path: string; version: string } | { ok: false; problem: string };

/** The first executable `name` on `searchPath` (PATH syntax), as a shell would find it. */
export function findOnPath(name: string, searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, name);
    try {
      if (fs.statSync(candidate).isFile()) {
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      }
    } catch {
      // Not here, or not executable: keep looking, as execvp does.
    }
  }
  return undefined;
}

/**
 * Finds terraform on env.PATH and checks its version against `required`. The problem, when there
 * is one, is a single line that says what was found and how to install a suitable one.
 */
export function checkTerraform(env: NodeJS.ProcessEnv = process.env, required = REQUIRED_TERRAFORM_VERSION): TerraformCheck {
  const install = `install Terraform ${required} (${INSTALL_URL}) and put it on PATH`;
  const found = findOnPath("terraform", env.PATH);
  if (found === undefined) return { ok: false, problem: `terraform not found on PATH: ${install}` };
  // Plain `terraform version` (not -json, which Terraform before 0.13 lacks); no checkpoint call.
  const result = spawnSync(found, ["version"], { env: { ...env, CHECKPOINT_DISABLE: "1" }, encoding: "utf8", timeout: 30_000 });
  const version = /Terraform v(\d+\.\d+\.\d+\S*)/.exec(result.stdout ?? "")?.[1];
  if (version === undefined) {
    const why = result.error?.message ?? firstNonEmptyLine(result.stderr) ?? `exit ${result.status}`;
    return { ok: false, problem: `${found} did not report a Terraform version (${why}): ${install}` };
  }
  if (!satisfies(version, required)) {
    return { ok: false, problem: `terraform ${version} at ${found} is too old, the stacks need ${required}: ${install}` };
  }
  return { ok: true, path: found, version };
}

function firstNonEmptyLine(text: string | undefined): string | undefined {
  return text?.split("\n").map((line) => line.trim()).find(Boolean);
}

/**
 * Whether `version` meets a Terraform version constraint: comma-separated `=`, `!=`, `>`, `>=`,
 * `<`, `<=`, `~>` terms (https://developer.hashicorp.com/terraform/language/expressions/version-constraints).
 * A pre-release (1.12.0-beta1) counts as its release, which is all a local check needs.
 */
export function satisfies(version: string, constraint: string): boolean {
  const have = numbers(version);
  return constraint.split(",").every((term) => {
    const match = /^\s*(>=|<=|!=|~>|=|>|<)?\s*v?(\d+(?:\.\d+)*)/.exec(term);
    if (!match) throw new Error(`not a Terraform version constraint: ${constraint}`);
    const operator = match[1] ?? "=";
    const want = numbers(match[2]);
    const order = compare(have, want);
    switch (operator) {
      case "=":
        return order === 0;
      case "!=":
        return order !== 0;
      case ">":
        return order > 0;
      case ">=":
        return order >= 0;
      case "<":
        return order < 0;
      case "<=":
        return order <= 0;
      default: {
        // ~> 1.11 allows 1.x from 1.11; ~> 1.11.2 allows 1.11.x from 1.11.2: the last part given may grow.
        const fixed = want.slice(0, Math.max(1, want.length - 1));
        return order >= 0 && compare(have.slice(0, fixed.length), fixed) === 0;
      }
    }
  });
}

function numbers(version: string): number[] {
  return version.split(/[-+]/)[0].split(".").map(Number);
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}
