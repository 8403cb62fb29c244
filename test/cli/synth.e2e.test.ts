/**
 * `npm run synth` as a CI log or a pipe sees it, and the type check every synth path goes
 * through (bin/synth.cjs). Child processes, as users run them: few, because each costs ~1 s.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { resourceCount } from "../../cli/stacks";

const ROOT = path.join(__dirname, "..", "..");
/** Control characters other than newline: ANSI escapes, spinner redraws (\r), bells. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function npmRunSynth(args: string[], env: NodeJS.ProcessEnv = {}) {
  // What `npm run synth` runs, with stdout and stderr pipes: not a terminal.
  const script: string = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts.synth;
  return spawnSync("sh", ["-c", `${script} "$@"`, "synth", ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8" });
}

test("outside a terminal: plain lines, one per stack naming its real file and resource count, then the next step", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-synth-"));
  // A stack the config no longer has is removed, as `cdktf synth` removes it; Terraform's files
  // next to a stack that is still there survive.
  fs.mkdirSync(path.join(outdir, "stacks", "aws-gone"), { recursive: true });
  fs.mkdirSync(path.join(outdir, "stacks", "aws-dev", ".terraform"), { recursive: true });

  const { status, stdout, stderr } = npmRunSynth(["--output", outdir]);
  expect(stderr).toBe("");
  expect(status).toBe(0);
  expect(stdout).not.toMatch(CONTROL);
  const lines = stdout.trimEnd().split("\n");
  expect(lines.filter((line) => line.startsWith("policy "))).toHaveLength(4);
  const stackLines = lines.filter((line) => !line.startsWith("policy ") && !line.startsWith("next: "));
  expect(stackLines.map((line) => line.split(/\s+/)[0])).toEqual(["aws-dev", "aws-prod", "gcp-dev", "gcp-prod"]);
  for (const line of stackLines) {
    const [id, file, count, noun] = line.split(/\s+/);
    expect(file).toBe(path.join(outdir, "stacks", id, "cdk.tf.json"));
    const resources = resourceCount(JSON.parse(fs.readFileSync(file, "utf8")));
    expect(resources).toBeGreaterThan(20);
    expect(`${count} ${noun}`).toBe(`${resources} resources`);
  }
  expect(lines.at(-1)).toBe("next: npm run diff -- aws-dev  (a stack, or an environment: every stack of dev)");
  expect(fs.existsSync(path.join(outdir, "stacks", "aws-gone"))).toBe(false);
  expect(fs.existsSync(path.join(outdir, "stacks", "aws-dev", ".terraform"))).toBe(true);
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  expect(Object.keys(manifest.stacks).sort()).toEqual(["aws-dev", "aws-prod", "gcp-dev", "gcp-prod"]);
  fs.rmSync(outdir, { recursive: true, force: true });
});

test("a config problem is printed once, on one line, exit 1, and the previous output is left as it was", () => {
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-bad-config-"));
  const dev = fs.readFileSync(path.join(ROOT, "config", "dev.yaml"), "utf8");
  fs.writeFileSync(path.join(configDir, "dev.yaml"), dev.replace(/^(\s*)cidr: .*$/m, "$1cidr: 10.0.0.0/33"));
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-synth-"));
  fs.mkdirSync(path.join(outdir, "stacks", "aws-dev"), { recursive: true });
  fs.writeFileSync(path.join(outdir, "manifest.json"), "previous");

  const { status, stdout, stderr } = npmRunSynth(["--output", outdir], { INFRA_CONFIG_DIR: configDir });
  expect(status).toBe(1);
  expect(stdout).toBe("");
  expect(stderr).not.toMatch(CONTROL);
  const lines = stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(new RegExp(`^${path.join(configDir, "dev.yaml")}: aws\\.network\\.cidr: 10\\.0\\.0\\.0/33 is not a valid CIDR`));
  expect(lines[1]).toBe("1 problem; nothing was synthesized.");
  expect(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")).toBe("previous");
  expect(fs.readdirSync(path.join(outdir, "stacks"))).toEqual(["aws-dev"]);
  fs.rmSync(outdir, { recursive: true, force: true });
});

/**
 * A throwaway project run by the real bin/synth.cjs: its own node_modules directory of links to
 * this one's packages, so its bundle cache (node_modules/.cache) is its own.
 */
function throwawayProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "typecheck-project-"));
  fs.mkdirSync(path.join(dir, "bin"));
  fs.mkdirSync(path.join(dir, "node_modules"));
  for (const file of ["bin/synth.cjs", "bin/typecheck.cjs", "tsconfig.json", "package.json"]) fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  for (const entry of fs.readdirSync(path.join(ROOT, "node_modules"))) {
    if (entry !== ".cache") fs.symlinkSync(path.join(ROOT, "node_modules", entry), path.join(dir, "node_modules", entry));
  }
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

test("a type error stops synthesis with file:line, even in a file only imported for its types (bin/synth.cjs, every synth path)", () => {
  // Every documented synth path runs bin/synth.cjs: cdktf (the app), npm run build, npm run synth (the app via cli/synth.ts).
  expect(JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")).app).toBe("node bin/synth.cjs");
  const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts;
  expect(scripts.build).toBe("node bin/synth.cjs --build");
  expect(scripts.synth).toBe("node --import tsx cli/synth.ts");

  const project = throwawayProject({
    "main.ts": 'import type { Port } from "./port";\nconst port: Port = 8080;\nconsole.log(`synthesized ${port}`);\n',
    "port.ts": "export type Port = number;\n",
  });
  const synth = () => spawnSync(process.execPath, ["bin/synth.cjs"], { cwd: project, encoding: "utf8" });
  const first = synth();
  expect(first.stderr).toBe("");
  expect(first.stdout).toBe("synthesized 8080\n");

  // esbuild never reads port.ts (type-only import): the check must still notice it changed.
  fs.writeFileSync(path.join(project, "port.ts"), "export type Port = string;\n");
  const broken = synth();
  expect(broken.status).toBe(1);
  expect(broken.stdout).toBe("");
  expect(broken.stderr).toBe("main.ts:2:7: error TS2322: Type 'number' is not assignable to type 'string'.\n1 type error; nothing was synthesized.\n");
  fs.rmSync(project, { recursive: true, force: true });
});
