/**
 * Runs `terraform validate` and `terraform plan` on a synthesized AWS stack without any
 * cloud: the hashicorp/aws provider comes from a local filesystem mirror, credentials are
 * fake, refresh is off, and the commands run inside `unshare -n` (a network namespace with
 * no interfaces) so no packet can leave the machine even by mistake.
 *
 * The stack's JSON is copied to a temporary directory and rewritten there only:
 * - the aws provider constraint is pinned to the mirrored version (bindings target 6.x);
 * - any remote backend is replaced by a local one;
 * - the provider gets mock credentials and skips every account/metadata lookup.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface ProviderMirror {
  /** Root passed to `filesystem_mirror { path = … }`. */
  readonly root: string;
  /** Provider version found in the mirror, e.g. "5.100.0". */
  readonly version: string;
}

export interface OfflineToolchain {
  readonly terraform: string;
  readonly mirror: ProviderMirror;
}

const MIRROR_CANDIDATES = [
  process.env.TF_AWS_PROVIDER_MIRROR,
  "/opt/tf-plugins",
  path.join(os.homedir(), ".terraform.d", "plugins"),
  path.join(os.homedir(), ".local", "share", "terraform", "plugins"),
  "/usr/local/share/terraform/plugins",
  "/usr/share/terraform/plugins",
].filter((candidate): candidate is string => Boolean(candidate));

/** Finds terraform and a mirrored hashicorp/aws provider, or explains why not. */
export function findOfflineToolchain(): OfflineToolchain | { missing: string } {
  const which = spawnSync("sh", ["-c", "command -v terraform"], { encoding: "utf8" });
  const terraform = which.stdout.trim();
  if (which.status !== 0 || !terraform) {
    return { missing: "no `terraform` CLI on PATH" };
  }
  if (spawnSync("unshare", ["-n", "true"]).status !== 0) {
    return { missing: "`unshare -n` is not permitted here, so the plan cannot be sealed off from the network" };
  }
  for (const root of MIRROR_CANDIDATES) {
    const providerDir = path.join(root, "registry.terraform.io", "hashicorp", "aws");
    if (!fs.existsSync(providerDir)) continue;
    const versions = fs
      .readdirSync(providerDir)
      .filter((version) => fs.existsSync(path.join(providerDir, version, "linux_amd64")));
    if (versions.length > 0) {
      versions.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
      return { terraform, mirror: { root, version: versions[versions.length - 1] } };
    }
  }
  return { missing: `no hashicorp/aws provider mirror in ${MIRROR_CANDIDATES.join(", ")} (set TF_AWS_PROVIDER_MIRROR)` };
}

export interface OfflinePlanResult {
  /** `terraform show -json` of the saved plan. */
  readonly plan: any;
  /** Working directory, kept for debugging when a caller wants it. */
  readonly workDir: string;
}

/** Rewrites a synthesized stack so it can be planned offline against the mirror. */
export function offlineCopyOfStack(stackJson: any, mirror: ProviderMirror): any {
  const copy = JSON.parse(JSON.stringify(stackJson));
  copy.terraform = copy.terraform ?? {};
  if (copy.terraform.required_providers?.aws) {
    copy.terraform.required_providers.aws.version = mirror.version;
  }
  copy.terraform.backend = { local: { path: "terraform.tfstate" } };
  const providers = copy.provider?.aws ?? [];
  for (const provider of providers) {
    Object.assign(provider, {
      access_key: "AKIAOFFLINEPLANONLY00",
      secret_key: "offline-plan-mock-secret-not-a-credential",
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
    });
  }
  return copy;
}

function run(terraform: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const result = spawnSync("unshare", ["-n", terraform, ...args], { cwd, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`terraform ${args[0]} failed in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** validate + plan (+ show -json) one synthesized stack; throws with Terraform's output on failure. */
export function planOffline(stackJson: any, toolchain: OfflineToolchain): OfflinePlanResult {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "offline-plan-"));
  // Indented on purpose: Terraform quotes the offending line, and a one-line file hides it.
  fs.writeFileSync(path.join(workDir, "main.tf.json"), JSON.stringify(offlineCopyOfStack(stackJson, toolchain.mirror), null, 2));
  const cliConfig = path.join(workDir, "offline.tfrc");
  fs.writeFileSync(
    cliConfig,
    `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(toolchain.mirror.root)}\n  }\n}\n`,
  );
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    AWS_EC2_METADATA_DISABLED: "true",
    TF_DATA_DIR: path.join(workDir, ".terraform"),
  };
  run(toolchain.terraform, ["init", "-input=false", "-no-color"], workDir, env);
  run(toolchain.terraform, ["validate", "-no-color"], workDir, env);
  run(toolchain.terraform, ["plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=plan.bin"], workDir, env);
  const plan = JSON.parse(run(toolchain.terraform, ["show", "-json", "plan.bin"], workDir, env));
  return { plan, workDir };
}

export function removeWorkDir(workDir: string): void {
  execFileSync("rm", ["-rf", workDir]);
}
