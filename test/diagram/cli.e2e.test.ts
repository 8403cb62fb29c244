/** `npm run diagram` as a program (`node --import tsx diagram/cli.ts`): errors on stderr, exit codes. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

test("config errors go to stderr without a stack trace, exit code 1, nothing written", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "diagram-e2e-"));
  const config = path.join(tmp, "config");
  fs.mkdirSync(config);
  fs.writeFileSync(path.join(config, "broken.yaml"), "project: web\nunknownField: 1\n");
  const result = spawnSync(process.execPath, ["--import", "tsx", "diagram/cli.ts", "--out", path.join(tmp, "diagrams")], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, INFRA_CONFIG_DIR: config },
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(`${path.join(config, "broken.yaml")}: unknownField: unknown field`);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout).toBe("");
  expect(fs.existsSync(path.join(tmp, "diagrams"))).toBe(false);
  fs.rmSync(tmp, { recursive: true });
});

test("on config/: writes the committed diagrams, one file per stack", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "diagram-e2e-"));
  const result = spawnSync(process.execPath, ["--import", "tsx", "diagram/cli.ts", "--out", out], { cwd: ROOT, encoding: "utf8", env: { ...process.env, INFRA_CONFIG_DIR: "config" } });
  expect([result.status, result.stderr]).toEqual([0, ""]);
  const written = fs.readdirSync(out).sort();
  expect(written).toEqual(["aws-dev.md", "aws-prod.md", "gcp-dev.md", "gcp-prod.md"]);
  for (const file of written) expect([file, fs.readFileSync(path.join(out, file), "utf8")]).toEqual([file, fs.readFileSync(path.join(ROOT, "diagrams", file), "utf8")]);
  fs.rmSync(out, { recursive: true });
});
