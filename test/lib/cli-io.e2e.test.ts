/** The tools' output streams as a shell pipeline uses them (lib/cli-io.ts processIo). */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const PLAN = path.join(ROOT, "test", "fixtures", "plans", "aws-dev.create.json");

test("a reader that leaves early (| head) ends the tool quietly: no EPIPE stack trace", () => {
  // `true` exits at once, so every line the summary writes meets a pipe without a reader.
  const script = `node --import tsx summary/cli.ts ${JSON.stringify(PLAN)} | true; echo "status \${PIPESTATUS[0]}" >&2`;
  const result = spawnSync("bash", ["-c", script], { cwd: ROOT, encoding: "utf8" });
  expect(result.stderr).toBe("status 0\n");
});

test("the synth app too: its report lines meet a closed pipe, and every stack is still written", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-pipe-"));
  const script = `node bin/synth.cjs | true; echo "status \${PIPESTATUS[0]}" >&2`;
  const result = spawnSync("bash", ["-c", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, CDKTF_OUTDIR: outdir, INFRA_CONFIG_DIR: "config" } });
  expect(result.stderr).toBe("status 0\n");
  expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["aws-dev", "aws-prod", "gcp-dev", "gcp-prod"]);
  fs.rmSync(outdir, { recursive: true });
});
