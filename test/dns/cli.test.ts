import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runDnsRecords, StatePuller, terraformStatePull } from "../../dns/cli";
import { InputError } from "../../lib/cli-io";

const FIXTURE = path.join(__dirname, "fixtures", "gcp-external.state.json");

function run(argv: string[], pull?: StatePuller, cwd?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const previous = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    const code = runDnsRecords(argv, { stdout: (text) => out.push(text), stderr: (text) => err.push(text) }, pull);
    return { code, out, err };
  } finally {
    process.chdir(previous);
  }
}

/** A project directory with cdktf.out/stacks/<id> for each id. */
function project(...stacks: string[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "dns-records-"));
  for (const stack of stacks) fs.mkdirSync(path.join(root, "cdktf.out", "stacks", stack), { recursive: true });
  return root;
}

describe("dns-records", () => {
  test("pulls the stack's state from its synthesized directory and prints one record per line", () => {
    const root = project("gcp-dev");
    const pulled: string[] = [];
    const { code, out, err } = run(["gcp-dev"], (dir) => (pulled.push(dir), fs.readFileSync(FIXTURE, "utf8")), root);
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(pulled).toEqual([path.join("cdktf.out", "stacks", "gcp-dev")]);
    expect(out).toHaveLength(5);
    expect(out[2]).toBe("api.example.com                  A      34.120.10.20");
  });

  test("--state reads a saved state instead (no stack id needed)", () => {
    const { code, out } = run(["--state", FIXTURE], () => {
      throw new Error("must not pull");
    });
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^_acme-challenge\.example\.com +CNAME +2a7e1f63/);
  });

  test.each([
    [[], undefined, "dns-records: no stack id given"],
    [["aws-dev", "gcp-dev"], undefined, "dns-records: one stack id at a time"],
    [["../etc"], undefined, 'dns-records: "../etc" is not a stack id (e.g. aws-dev)'],
    [["aws-prod"], undefined, `dns-records: ${path.join("cdktf.out", "stacks", "aws-prod")}: not found (synthesized stacks: aws-dev, gcp-dev)`],
    [["aws-dev"], () => "", "dns-records: aws-dev: no state yet (the stack has not been deployed)"],
    [["aws-dev"], () => "{\"version\": 4, \"resou", `${path.join("cdktf.out", "stacks", "aws-dev")}: not JSON (if a deploy is writing it, run again)`],
    [["aws-dev"], () => "{\"version\": 4}", `${path.join("cdktf.out", "stacks", "aws-dev")}: not a Terraform state (expected an object with "version": 4 and "resources")`],
    [
      ["aws-dev"],
      () => {
        throw new InputError("terraform state pull failed in cdktf.out/stacks/aws-dev: Error: Backend initialization required, please run \"terraform init\"");
      },
      'terraform state pull failed in cdktf.out/stacks/aws-dev: Error: Backend initialization required, please run "terraform init"',
    ],
    [["--state", "/nonexistent/state.json"], undefined, "/nonexistent/state.json: cannot read: file not found"],
    [["aws-dev", "--bogus"], undefined, "dns-records: Unknown option '--bogus'"],
  ] as [string[], StatePuller | undefined, string][])("exit 2 with one line for %j", (argv, pull, message) => {
    const { code, out, err } = run(argv, pull ?? (() => fs.readFileSync(FIXTURE, "utf8")), project("aws-dev", "gcp-dev"));
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err[0].split("\n")[0]).toBe(message);
  });

  test("--help prints the usage", () => {
    const { code, out } = run(["--help"]);
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^usage: npm run dns-records -- <stack id>/);
  });

  describe("terraformStatePull", () => {
    const withPath = <T>(dir: string, body: () => T): T => {
      const previous = process.env.PATH;
      process.env.PATH = dir;
      try {
        return body();
      } finally {
        process.env.PATH = previous;
      }
    };

    test("runs terraform -chdir=<stack dir> state pull and returns its output", () => {
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-terraform-"));
      fs.writeFileSync(path.join(bin, "terraform"), '#!/bin/sh\necho "{\\"args\\": \\"$*\\"}"\n', { mode: 0o755 });
      expect(JSON.parse(withPath(bin, () => terraformStatePull("cdktf.out/stacks/aws-dev")))).toEqual({ args: "-chdir=cdktf.out/stacks/aws-dev state pull" });
    });

    test("a terraform failure becomes one line: its first diagnostic, without the box drawing", () => {
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-terraform-"));
      const stderr = "Warning: Unable to open CLI configuration file\n\n╷\n│ Error: Backend initialization required\n│ more\n╵\n";
      fs.writeFileSync(path.join(bin, "terraform"), `#!/bin/sh\n/bin/cat >&2 <<'END'\n${stderr}END\nexit 1\n`, { mode: 0o755 });
      expect(() => withPath(bin, () => terraformStatePull("cdktf.out/stacks/aws-dev"))).toThrow(
        new InputError("terraform state pull failed in cdktf.out/stacks/aws-dev: Error: Backend initialization required"),
      );
    });

    test("no terraform on PATH", () => {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-terraform-"));
      expect(() => withPath(empty, () => terraformStatePull("x"))).toThrow("terraform not found on PATH (see README, Prerequisites)");
    });
  });
});
