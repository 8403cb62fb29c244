/** The program behind `cdktf synth`, run as users run it (a child process). */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

/** The command `cdktf synth` runs, from cdktf.json (bin/synth.cjs: rebuild the bundle if stale, then run it). */
const APP_COMMAND: string = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")).app;

function synth(configDir: string) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-out-"));
  fs.rmSync(outdir, { recursive: true });
  const result = spawnSync("sh", ["-c", APP_COMMAND], {
    cwd: ROOT,
    env: { ...process.env, INFRA_CONFIG_DIR: configDir, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  return { ...result, outdir };
}

test("the example config synthesizes one stack per environment and cloud", () => {
  const { status, stderr, outdir } = synth(path.join(ROOT, "config"));
  expect(stderr).toBe("");
  expect(status).toBe(0);
  expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["aws-dev", "aws-prod", "gcp-dev", "gcp-prod"]);
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  expect(Object.keys(manifest.stacks).sort()).toEqual(["aws-dev", "aws-prod", "gcp-dev", "gcp-prod"]);
  fs.rmSync(outdir, { recursive: true });
});

test("synthesizes on a machine without terraform (a synth-only CI job, a reviewer): no synth-time `terraform version`", () => {
  // PATH holds node alone: cdktf's DataResource ran `terraform version` during validation and
  // failed every GCP stack here (constructs/gcp/terraform-data.ts).
  const nodeOnly = fs.mkdtempSync(path.join(os.tmpdir(), "node-only-"));
  fs.symlinkSync(process.execPath, path.join(nodeOnly, "node"));
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-out-"));
  fs.rmSync(outdir, { recursive: true });
  const result = spawnSync("/bin/sh", ["-c", APP_COMMAND], {
    cwd: ROOT,
    env: { ...process.env, PATH: nodeOnly, INFRA_CONFIG_DIR: path.join(ROOT, "config"), CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["aws-dev", "aws-prod", "gcp-dev", "gcp-prod"]);
  const gcp = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "gcp-dev", "cdk.tf.json"), "utf8"));
  expect(Object.keys(gcp.resource.terraform_data)).toEqual([expect.stringMatching(/^network_private-service-peering-removal_/)]);
  fs.rmSync(outdir, { recursive: true });
  fs.rmSync(nodeOnly, { recursive: true });
});

test("a broken config exits 1 with one line per problem, no stack trace, nothing written", () => {
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-config-"));
  const prod = fs.readFileSync(path.join(ROOT, "config", "prod.yaml"), "utf8");
  fs.writeFileSync(path.join(configDir, "prod.yaml"), prod.replace("cidr: 10.20.0.0/16", "cidr: 172.31.0.0/33"));
  fs.writeFileSync(path.join(configDir, "dev.yaml"), fs.readFileSync(path.join(ROOT, "config", "dev.yaml"), "utf8"));
  const { status, stderr, outdir } = synth(configDir);
  expect(status).toBe(1);
  expect(stderr.trim().split("\n")).toEqual([
    `${path.join(configDir, "prod.yaml")}: aws.network.cidr: 172.31.0.0/33 is not a valid CIDR (expected a.b.c.d/n with n between 0 and 32)`,
    "1 problem; nothing was synthesized.",
  ]);
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(fs.existsSync(outdir)).toBe(false);
});

test("a deprecated field still synthesizes, with one notice line naming the file and the field", () => {
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), "deprecated-config-"));
  const dev = fs
    .readFileSync(path.join(ROOT, "config", "dev.yaml"), "utf8")
    .replace(/^  loadBalancer:\n    (idleTimeoutSeconds|requestTimeoutSeconds): 3600.*\n/gm, "")
    .replace("loadBalancer:\n  algorithm: round-robin", "loadBalancer:\n  algorithm: round-robin\n  idleTimeoutSeconds: 3600");
  fs.writeFileSync(path.join(configDir, "dev.yaml"), dev);
  const { status, stderr, outdir } = synth(configDir);
  expect(stderr.trim().split("\n")).toEqual([
    `${path.join(configDir, "dev.yaml")}: loadBalancer.idleTimeoutSeconds: deprecated, it means the idle timeout on AWS but the request (and websocket) timeout on GCP; move it to aws.loadBalancer.idleTimeoutSeconds and gcp.loadBalancer.requestTimeoutSeconds`,
  ]);
  expect(status).toBe(0);
  const gcp = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "gcp-dev", "cdk.tf.json"), "utf8"));
  expect(Object.values(gcp.resource.google_compute_backend_service).map((service: any) => service.timeout_sec)).toEqual([3600, 3600, 3600]);
  fs.rmSync(outdir, { recursive: true });
});

test("synthesis replaces only generated files: Terraform's working files in cdktf.out survive", () => {
  const { outdir } = synth(path.join(ROOT, "config"));
  const stackDir = path.join(outdir, "stacks", "aws-dev");
  fs.mkdirSync(path.join(stackDir, ".terraform"));
  fs.writeFileSync(path.join(stackDir, ".terraform", "terraform.tfstate"), "backend metadata");
  fs.writeFileSync(path.join(stackDir, ".terraform.lock.hcl"), "lock");
  fs.writeFileSync(path.join(stackDir, "cdk.tf.json"), "stale");

  const again = spawnSync("sh", ["-c", APP_COMMAND], {
    cwd: ROOT,
    env: { ...process.env, INFRA_CONFIG_DIR: path.join(ROOT, "config"), CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  expect(again.status).toBe(0);
  expect(fs.readFileSync(path.join(stackDir, ".terraform", "terraform.tfstate"), "utf8")).toBe("backend metadata");
  expect(fs.readFileSync(path.join(stackDir, ".terraform.lock.hcl"), "utf8")).toBe("lock");
  expect(JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")).terraform.backend).toEqual({
    local: { path: "../../../terraform.aws-dev.tfstate" },
  });
  expect(fs.readdirSync(path.dirname(outdir)).filter((entry) => entry.startsWith(`${path.basename(outdir)}.staging-`))).toEqual([]);
  fs.rmSync(outdir, { recursive: true });
});

test("a failed synthesis leaves an existing output directory exactly as it was", () => {
  const { outdir } = synth(path.join(ROOT, "config"));
  const stackFile = path.join(outdir, "stacks", "aws-prod", "cdk.tf.json");
  const before = fs.readFileSync(stackFile, "utf8");
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-config-"));
  fs.writeFileSync(
    path.join(configDir, "prod.yaml"),
    fs.readFileSync(path.join(ROOT, "config", "prod.yaml"), "utf8").replace("port: 8888", "port: 0"),
  );
  const failed = spawnSync("sh", ["-c", APP_COMMAND], {
    cwd: ROOT,
    env: { ...process.env, INFRA_CONFIG_DIR: configDir, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  expect(failed.status).toBe(1);
  expect(fs.readFileSync(stackFile, "utf8")).toBe(before);
  expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["aws-dev", "aws-prod", "gcp-dev", "gcp-prod"]);
  fs.rmSync(outdir, { recursive: true });
});

/** Where bin/synth.cjs keeps the bundle, relative to the project. */
const BUNDLE = path.join("node_modules", ".cache", "synth", "main.js");

/**
 * A throwaway project around a copy of the launcher (bin/synth.cjs): its main.ts prints what
 * lib/value resolves to, so a run shows which sources the bundle it ran was built from.
 */
function launcherProject(): { dir: string; run: () => ReturnType<typeof spawnSync> & { stdout: string; stderr: string }; bundle: () => string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "launcher-"));
  fs.mkdirSync(path.join(dir, "bin"));
  fs.copyFileSync(path.join(ROOT, "bin", "synth.cjs"), path.join(dir, "bin", "synth.cjs"));
  fs.copyFileSync(path.join(ROOT, "bin", "typecheck.cjs"), path.join(dir, "bin", "typecheck.cjs"));
  // Only esbuild from the real node_modules: the launcher writes its bundle under node_modules.
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(path.join(ROOT, "node_modules", "esbuild"), path.join(dir, "node_modules", "esbuild"));
  fs.symlinkSync(path.join(ROOT, "node_modules", "typescript"), path.join(dir, "node_modules", "typescript"));
  fs.writeFileSync(path.join(dir, "package.json"), "{}\n");
  fs.writeFileSync(path.join(dir, "tsconfig.json"), "{}\n");
  fs.mkdirSync(path.join(dir, "lib", "value"), { recursive: true });
  fs.writeFileSync(path.join(dir, "lib", "value", "index.ts"), 'export const VALUE: string = "index";\n');
  fs.writeFileSync(path.join(dir, "main.ts"), 'import { VALUE } from "./lib/value";\nconsole.log(VALUE);\n');
  const run = () => spawnSync("sh", ["-c", APP_COMMAND], { cwd: dir, encoding: "utf8" });
  const bundle = () => {
    const stat = fs.statSync(path.join(dir, BUNDLE));
    return `${stat.ino}:${stat.mtimeMs}`;
  };
  return { dir, run, bundle };
}

test("the app rebuilds its bundle whenever a source changed, and only then", () => {
  const { dir, run, bundle } = launcherProject();
  const first = run();
  expect(first.stderr).toBe("");
  expect(first.stdout).toBe("index\n");
  const built = bundle();
  expect(run().stdout).toBe("index\n");
  expect(bundle()).toBe(built); // nothing changed: no rebuild

  // An edit of the same length with the old mtime restored: only the content tells.
  const source = path.join(dir, "lib", "value", "index.ts");
  const { atime, mtime } = fs.statSync(source);
  fs.writeFileSync(source, 'export const VALUE: string = "INDEX";\n');
  fs.utimesSync(source, atime, mtime);
  expect(run().stdout).toBe("INDEX\n");

  // A new file that changes what an unchanged import resolves to.
  fs.writeFileSync(path.join(dir, "lib", "value.ts"), 'export const VALUE: string = "file";\n');
  expect(run().stdout).toBe("file\n");
  fs.rmSync(path.join(dir, "lib", "value.ts"));
  expect(run().stdout).toBe("INDEX\n");

  // The bundle replaced behind the launcher's back (e.g. by another build command).
  fs.writeFileSync(path.join(dir, BUNDLE), 'console.log("stale");\n');
  expect(run().stdout).toBe("INDEX\n");
  fs.rmSync(dir, { recursive: true });
});

test("a source that does not compile fails the synth with one line per error", () => {
  const { dir, run } = launcherProject();
  fs.writeFileSync(path.join(dir, "main.ts"), 'import { MISSING } from "./lib/value";\nconsole.log(MISSING;\n');
  const { status, stdout, stderr } = run();
  expect(status).toBe(1);
  expect(stdout).toBe("");
  expect(stderr.trim().split("\n")).toEqual(["main.ts:2:20: Expected \")\" but found \";\"", "1 build error; nothing was synthesized."]);
  fs.rmSync(dir, { recursive: true });
});
