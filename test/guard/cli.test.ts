import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseEnvironment } from "../../environment/load";
import { runGuard, USAGE } from "../../guard/cli";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(__dirname, "..", "fixtures", "plans");
const CREATE = path.join(FIXTURES, "aws-dev.create.json");
const DB_REPLACE = path.join(FIXTURES, "aws-dev.db-replace.json");
const ZONE_DELETE = path.join(FIXTURES, "aws-dev.zone-delete.json");
const RULE_REPLACE = path.join(FIXTURES, "aws-dev.listener-rule-replace.json");
const DB_FORGET = path.join(FIXTURES, "aws-dev.db-forget.json");
const DB_CREATE_FORGET = path.join(FIXTURES, "aws-dev.db-create-forget.json");
const NO_RESOURCE_CHANGES = path.join(FIXTURES, "aws-dev.no-resource-changes.json");
const FORMAT_2 = path.join(FIXTURES, "aws-dev.format-2.json");

/** The smallest environment file the synth schema accepts, to which a test adds its dataProtection. */
const ENVIRONMENT = [
  "project: web",
  "stage: development",
  "services:",
  "  - name: api",
  "    port: 3000",
  "    image: traefik/whoami:v1.10.3",
  "    healthCheck: { path: /health }",
  "    capacity: { min: 1, max: 1 }",
  "",
].join("\n");

const DATABASE = "aws_db_instance.database_instance_D7FC2283";
const ZONE = "aws_route53_zone.dns_zone_2E2729FB";

let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "guard-cli-"));
});
afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, text);
  return file;
}

function guard(...argv: string[]): { code: number; stdout: string; stderr: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runGuard(argv, { stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

describe("exit decision and message per fixture", () => {
  test("create plan: 0", () => {
    expect(guard(CREATE)).toEqual({ code: 0, stdout: `${CREATE}: no stateful resource would be deleted or replaced`, stderr: "" });
  });

  test("listener rule replaced (stateless): 0", () => {
    expect(guard(RULE_REPLACE)).toEqual({ code: 0, stdout: `${RULE_REPLACE}: no stateful resource would be deleted or replaced`, stderr: "" });
  });

  test("DB replaced: 1, with the address and how to allow it", () => {
    const { code, stdout, stderr } = guard(DB_REPLACE);
    expect(code).toBe(1);
    expect(stderr).toBe("");
    expect(stdout.split("\n")).toEqual([
      `${DB_REPLACE}: ${DATABASE} (aws_db_instance) would be replaced`,
      expect.stringContaining(`to allow it deliberately: --allow ${DATABASE}, or add { resource: ${DATABASE}, reason:`),
      "guard: 1 stateful resource would be deleted or replaced and nothing allows it; refusing",
    ]);
  });

  test.each([
    ["forgotten", DB_FORGET, "would be forgotten (removed from state, not destroyed: Terraform stops managing it)"],
    [
      "created and the old one forgotten",
      DB_CREATE_FORGET,
      "would be forgotten and a new one created (the old one is removed from state, not destroyed: Terraform stops managing it)",
    ],
  ])("DB %s: 1, like a replacement", (_what, file, outcome) => {
    expect(guard(file)).toEqual({
      code: 1,
      stdout: [
        `${file}: ${DATABASE} (aws_db_instance) ${outcome}`,
        `  to allow it deliberately: --allow ${DATABASE}, or add { resource: ${DATABASE}, reason: "<why this data may go>" } to dataProtection.allowDestroy in the environment file`,
        "guard: 1 stateful resource would be deleted, replaced or forgotten and nothing allows it; refusing",
      ].join("\n"),
      stderr: "",
    });
    expect(guard(file, "--allow", DATABASE).code).toBe(0);
  });

  test("zone deleted: 1, and the replaced records are not listed", () => {
    const { code, stdout } = guard(ZONE_DELETE);
    expect(code).toBe(1);
    expect(stdout).toContain(`${ZONE_DELETE}: ${ZONE} (aws_route53_zone) would be deleted`);
    expect(stdout).not.toContain("aws_route53_record");
  });
});

describe("--allow", () => {
  test.each([
    ["address", DATABASE],
    ["type", "aws_db_instance"],
    ["prefix", "aws_db_instance.*"],
  ])("by %s: 0, and the allowed change is still printed", (_how, entry) => {
    const { code, stdout } = guard(DB_REPLACE, "--allow", entry);
    expect(code).toBe(0);
    expect(stdout).toBe(`${DB_REPLACE}: ${DATABASE} (aws_db_instance) would be replaced, allowed by ${entry} (--allow)`);
  });

  test("--allow=entry and -a entry, several of them", () => {
    expect(guard(`--allow=${ZONE}`, ZONE_DELETE, "-a", "aws_db_instance", DB_REPLACE).code).toBe(0);
  });

  test("an entry that allows everything is a usage error", () => {
    const { code, stderr } = guard(DB_REPLACE, "--allow", "*");
    expect(code).toBe(2);
    expect(stderr).toBe('guard: --allow "*" would allow every change (an address, a resource type, or a prefix ending in *, e.g. module.data.*)');
  });
});

describe("--config", () => {
  test("allowDestroy entries allow, and their reason is printed", () => {
    const config = write(
      "dev.yaml",
      [
        ENVIRONMENT,
        "dataProtection:",
        "  allowDestroy:",
        `    - resource: ${DATABASE}`,
        "      reason: dev data is disposable; re-seeded by the nightly job",
        `    - resource: ${ZONE}`,
        "      reason: moving dev.example.com to the shared zone (TICKET-42)",
        "",
      ].join("\n"),
    );
    const { code, stdout, stderr } = guard("--config", config, DB_REPLACE, ZONE_DELETE);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout.split("\n")).toEqual([
      `${DB_REPLACE}: ${DATABASE} (aws_db_instance) would be replaced, allowed by ${DATABASE}: dev data is disposable; re-seeded by the nightly job`,
      `${ZONE_DELETE}: ${ZONE} (aws_route53_zone) would be deleted, allowed by ${ZONE}: moving dev.example.com to the shared zone (TICKET-42)`,
    ]);
  });

  test("an environment file without dataProtection allows nothing", () => {
    expect(guard("--config", path.join(ROOT, "config", "dev.yaml"), DB_REPLACE).code).toBe(1);
  });

  test("combines with --allow", () => {
    const config = write("zone.yaml", `${ENVIRONMENT}dataProtection:\n  allowDestroy:\n    - { resource: ${ZONE}, reason: zone moves to the shared account }\n`);
    const { code, stdout } = guard("--config", config, "--allow", DATABASE, DB_REPLACE, ZONE_DELETE);
    expect(code).toBe(0);
    expect(stdout).toContain(`allowed by ${ZONE}: zone moves to the shared account`);
    expect(stdout).toContain(`allowed by ${DATABASE} (--allow)`);
  });

  const SHORT_REASON = "write down why (at least 10 characters); it is printed in every report";
  /** What synth says about the file, in the form `loadEnvironments` prints it. */
  const synthProblems = (file: string, text: string): string[] => {
    const result = parseEnvironment(path.basename(file, ".yaml"), file, text);
    return "problems" in result ? result.problems.map((problem) => `${file}: ${problem.path}: ${problem.message}`) : [];
  };

  test("a missing file: exit 2, one line", () => {
    const file = path.join(scratch, "missing.yaml");
    expect(guard("--config", file, DB_REPLACE)).toEqual({ code: 2, stdout: "", stderr: `${file}: cannot read: file not found` });
  });

  test.each([
    ["bad.yaml", "dataProtection: [unclosed\n", "line 2: invalid YAML: "],
    ["list.yaml", "- a\n- b\n", "(top level): "],
    ["partial.yaml", `dataProtection:\n  allowDestroy:\n    - { resource: ${DATABASE}, reason: dev data is disposable }\n`, "project: is required (expected string)"],
    ["shape.yaml", `${ENVIRONMENT}dataProtection:\n  allowDestroy: { resource: x }\n`, "dataProtection.allowDestroy: "],
    ["noresource.yaml", `${ENVIRONMENT}dataProtection:\n  allowDestroy:\n    - reason: the data is disposable\n`, "dataProtection.allowDestroy[0].resource: is required (expected string)"],
    ["noreason.yaml", `${ENVIRONMENT}dataProtection:\n  allowDestroy:\n    - resource: ${DATABASE}\n`, "dataProtection.allowDestroy[0].reason: "],
    ["shortreason.yaml", `${ENVIRONMENT}dataProtection:\n  allowDestroy:\n    - { resource: ${DATABASE}, reason: dev only }\n`, `dataProtection.allowDestroy[0].reason: ${SHORT_REASON}`],
  ])("%s: refused like synth refuses it, exit 2, one line per problem naming the file", (name, text, problem) => {
    const file = write(name, text);
    const expected = synthProblems(file, text);
    expect(expected).toContainEqual(expect.stringContaining(`${file}: ${problem}`));
    expect(guard("--config", file, DB_REPLACE)).toEqual({ code: 2, stdout: "", stderr: expected.join("\n") });
  });

  test("a reason of fewer than 10 characters: exactly synth's message", () => {
    const file = write("dev.yaml", `${ENVIRONMENT}dataProtection:\n  allowDestroy:\n    - { resource: ${DATABASE}, reason: "dev only  " }\n`);
    expect(guard("--config", file, DB_REPLACE)).toEqual({
      code: 2,
      stdout: "",
      stderr: `${file}: dataProtection.allowDestroy[0].reason: ${SHORT_REASON}`,
    });
  });

  test("an entry that would allow every change is refused, by synth or by the guard", () => {
    const file = write("star.yaml", `${ENVIRONMENT}dataProtection:\n  allowDestroy:\n    - { resource: '*', reason: everything goes }\n`);
    const { code, stdout, stderr } = guard("--config", file, DB_REPLACE);
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr.split("\n")).toEqual([expect.stringContaining(`${file}: dataProtection.allowDestroy[0].resource: "*" would allow`)]);
  });
});

describe("several plan files", () => {
  test("every file is checked and reported; any violation fails the run", () => {
    const { code, stdout } = guard(CREATE, DB_REPLACE, RULE_REPLACE, ZONE_DELETE);
    expect(code).toBe(1);
    expect(stdout.split("\n").filter((line) => !line.startsWith("  "))).toEqual([
      `${CREATE}: no stateful resource would be deleted or replaced`,
      `${DB_REPLACE}: ${DATABASE} (aws_db_instance) would be replaced`,
      `${RULE_REPLACE}: no stateful resource would be deleted or replaced`,
      `${ZONE_DELETE}: ${ZONE} (aws_route53_zone) would be deleted`,
      "guard: 2 stateful resources would be deleted or replaced and nothing allows it; refusing",
    ]);
  });

  test("clean files together: 0", () => {
    expect(guard(CREATE, RULE_REPLACE).code).toBe(0);
  });

  test("an unreadable file wins over violations (it was not checked), and the others are still reported", () => {
    const missing = path.join(scratch, "missing.json");
    const { code, stdout, stderr } = guard(DB_REPLACE, missing);
    expect(code).toBe(2);
    expect(stdout).toContain(`${DB_REPLACE}: ${DATABASE} (aws_db_instance) would be replaced`);
    expect(stderr).toBe(`${missing}: cannot read: file not found`);
  });
});

describe("plans it cannot fully read: exit 2, one line, nothing passes", () => {
  test("no resource_changes while prior_state has the database", () => {
    expect(guard(NO_RESOURCE_CHANGES)).toEqual({
      code: 2,
      stdout: "",
      stderr:
        `${NO_RESOURCE_CHANGES}: resource_changes is missing but prior_state has 1 resource (${DATABASE}): ` +
        "cannot tell what would change (expected the output of `terraform show -json <planfile>`, untrimmed)",
    });
  });

  test("format_version 2.0", () => {
    expect(guard(FORMAT_2)).toEqual({
      code: 2,
      stdout: "",
      stderr:
        `${FORMAT_2}: format_version "2.0" is not supported (this reader understands 1.x; ` +
        "a newer Terraform may have changed the format: https://developer.hashicorp.com/terraform/internals/json-format)",
    });
  });

  test("format_version missing", () => {
    const file = write("unversioned.json", JSON.stringify({ resource_changes: [] }));
    expect(guard(file)).toEqual({
      code: 2,
      stdout: "",
      stderr: `${file}: format_version is missing, so the plan format is unknown (expected the output of \`terraform show -json <planfile>\`, format 1.x)`,
    });
  });

  test("an --allow entry does not make an unreadable plan pass", () => {
    expect(guard(NO_RESOURCE_CHANGES, "--allow", "aws_db_instance").code).toBe(2);
  });
});

describe("input and usage errors: exit 2, one line", () => {
  test.each([
    ["bad JSON", "bad.json", '{"resource_changes": [', "not valid JSON ("],
    ["an empty file", "empty.json", "", "not valid JSON ("],
    ["a binary plan", "plan.bin", "PK\u0003\u0004binary", "this is a binary plan file; convert it first: terraform show -json"],
    ["JSON that is not a plan", "package.json", '{"name": "x", "version": "1.0.0"}', "not a Terraform plan: no resource_changes (expected the output of `terraform show -json <planfile>`)"],
    ["state JSON", "state.json", '{"format_version": "1.0", "values": {"root_module": {}}}', "not a Terraform plan: this is state JSON"],
  ])("%s", (_what, name, text, problem) => {
    const file = write(name, text);
    const { code, stdout, stderr } = guard(file);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.split("\n")).toEqual([expect.stringContaining(`${file}: ${problem}`)]);
  });

  test("a missing file", () => {
    const { code, stderr } = guard(path.join(scratch, "nope.json"));
    expect(code).toBe(2);
    expect(stderr).toBe(`${path.join(scratch, "nope.json")}: cannot read: file not found`);
  });

  test("a directory", () => {
    expect(guard(scratch).stderr).toBe(`${scratch}: cannot read: is a directory, not a file`);
  });

  test("no plan file", () => {
    expect(guard()).toEqual({ code: 2, stdout: "", stderr: `guard: no plan file given\n${USAGE}` });
    expect(guard("--allow", "aws_db_instance")).toMatchObject({ code: 2, stderr: expect.stringMatching(/^guard: no plan file given\n/) });
  });

  test("an unknown option", () => {
    const { code, stderr } = guard(CREATE, "--alow", "x");
    expect(code).toBe(2);
    expect(stderr).toMatch(/^guard: Unknown option '--alow'/);
    expect(stderr).toContain("usage: npm run guard --");
  });

  test("--help: usage on stdout, 0", () => {
    expect(guard("--help")).toEqual({ code: 0, stdout: USAGE, stderr: "" });
  });
});
