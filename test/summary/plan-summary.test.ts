import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatSummary, summarizeChanges } from "../../summary/plan-summary";
import { runSummary } from "../../summary/cli";

const FIXTURES = path.join(__dirname, "..", "fixtures", "plans");
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8"));

test("a real offline plan of aws-dev (all creates): one <details> with counts and cost, one row per resource", () => {
  const plan = fixture("aws-dev.create");
  const creates = plan.resource_changes.filter((change: any) => change.change.actions.join() === "create").length;
  const markdown = formatSummary([{ stack: "aws-dev", plan }]);
  expect(markdown).toContain(`<details>\n<summary><b>aws-dev</b>: ${creates} to add, 0 to change, 0 to replace, 0 to destroy · ~$135.61/mo (+$135.61)</summary>`);
  expect(markdown).toContain(`**${creates} to add, 0 to change, 0 to replace, 0 to destroy**`);
  expect(markdown).not.toContain("CAUTION");
  expect(markdown.split("\n").filter((line) => / \| (add|change|replace|destroy) \| /.test(line))).toHaveLength(creates);
  expect(markdown).toContain("| `aws_db_instance.database_instance_D7FC2283` | add |  |");
});

test("a replaced database is flagged at the top and its forcing attribute named", () => {
  const markdown = formatSummary([{ stack: "aws-dev", plan: fixture("aws-dev.db-replace") }]);
  const lines = markdown.split("\n");
  expect(lines.slice(0, 6)).toEqual([
    "# Plan summary",
    "",
    "> [!CAUTION]",
    "> **Stateful resources would be destroyed or replaced** (data loss unless restored from a backup):",
    "> - `aws-dev`: `aws_db_instance.database_instance_D7FC2283` would be **replaced**",
    ">",
  ]);
  expect(markdown).toContain("**0 to add, 0 to change, 1 to replace, 0 to destroy**");
  expect(markdown).toContain(
    "| `aws_db_instance.database_instance_D7FC2283` | replace | `storage_encrypted`: false → true (forces replacement) |",
  );
});

test("a deleted zone counts as destroy and is flagged; its replaced records are listed but not flagged", () => {
  const markdown = formatSummary([{ stack: "aws-dev", plan: fixture("aws-dev.zone-delete") }]);
  expect(markdown).toMatch(/> - `aws-dev`: `aws_route53_zone\.[\w-]+` would be \*\*destroyed\*\*/);
  expect(markdown).toContain("**0 to add, 0 to change, 4 to replace, 1 to destroy**");
  expect(markdown.match(/^> - /gm)).toHaveLength(1);
});

test("sensitive values are masked, unknown values say so, unchanged attributes are left out", () => {
  const plan = {
    format_version: "1.2",
    resource_changes: [
      {
        address: "google_sql_user.app",
        type: "google_sql_user",
        mode: "managed",
        change: {
          actions: ["update"],
          before: { id: "app//%", name: "app", password: "old-secret-value", host: "%" },
          after: { name: "app", password: "new-secret-value", host: "10.0.0.%" },
          after_unknown: { id: true },
          before_sensitive: { password: true },
          after_sensitive: { password: true },
        },
      },
    ],
  };
  const [summary] = summarizeChanges(plan);
  expect(summary).toEqual({
    address: "google_sql_user.app",
    action: "change",
    changes: ['`host`: "%" → "10.0.0.%"', "`password`: (sensitive) → (sensitive)"],
  });
  expect(formatSummary([{ stack: "gcp-dev", plan }])).not.toContain("secret-value");
});

test("several stacks, in the order given; an empty plan says so", () => {
  const empty = { format_version: "1.2", planned_values: {} };
  const markdown = formatSummary([
    { stack: "aws-prod", plan: empty },
    { stack: "aws-dev", plan: fixture("aws-dev.listener-rule-replace") },
  ]);
  expect(markdown.indexOf("<b>aws-prod</b>")).toBeLessThan(markdown.indexOf("<b>aws-dev</b>"));
  expect(markdown).toContain("<summary><b>aws-prod</b>: 0 to add, 0 to change, 0 to replace, 0 to destroy · ~$0.00/mo (±$0.00)</summary>");
  expect(markdown).toContain("No changes.");
  expect(markdown).not.toContain("CAUTION"); // a listener rule holds no data
});

describe("npm run summary", () => {
  const run = (files: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = runSummary(files, { stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
    return { code, out: out.join("\n"), err };
  };

  test("names each stack after its file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "summary-"));
    const file = path.join(dir, "aws-prod.plan.json");
    fs.copyFileSync(path.join(FIXTURES, "aws-dev.db-replace.json"), file);
    const { code, out } = run([file]);
    expect(code).toBe(0);
    expect(out).toContain("<summary><b>aws-prod</b>: 0 to add, 0 to change, 1 to replace, 0 to destroy");
  });

  test("unreadable input: exit 2, one line per file, nothing on stdout", () => {
    const { code, out, err } = run(["/nonexistent/aws-dev.plan.json", path.join(__dirname, "..", "..", "package.json")]);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toEqual([
      "/nonexistent/aws-dev.plan.json: cannot read: file not found",
      `${path.join(__dirname, "..", "..", "package.json")}: not a Terraform plan: no resource_changes (expected the output of \`terraform show -json <planfile>\`)`,
    ]);
  });

  test("no files: usage, exit 2", () => {
    expect(run([]).code).toBe(2);
  });
});

describe("forgotten resources are listed as forgets, not as adds", () => {
  test("forget alone: flagged, counted as a forget, labelled in the table", () => {
    const markdown = formatSummary([{ stack: "aws-dev", plan: fixture("aws-dev.db-forget") }]);
    expect(markdown.split("\n").slice(2, 5)).toEqual([
      "> [!CAUTION]",
      "> **Stateful resources would be destroyed, replaced or forgotten** (data loss unless restored from a backup; a forgotten one is no longer managed by Terraform):",
      "> - `aws-dev`: `aws_db_instance.database_instance_D7FC2283` would be **forgotten** (removed from state, not destroyed: Terraform stops managing it)",
    ]);
    expect(markdown).toContain("**0 to add, 0 to change, 0 to replace, 0 to destroy, 1 to forget**");
    expect(markdown).toContain("| `aws_db_instance.database_instance_D7FC2283` | forget (removed from state, not destroyed) |  |");
  });

  test("create + forget: the new object is not counted as an add, and the forcing attribute is named", () => {
    expect(summarizeChanges(fixture("aws-dev.db-create-forget"))).toEqual([
      { address: "aws_db_instance.database_instance_D7FC2283", action: "create-forget", changes: ["`storage_encrypted`: false → true (forces replacement)"] },
    ]);
    const markdown = formatSummary([{ stack: "aws-dev", plan: fixture("aws-dev.db-create-forget") }]);
    expect(markdown).toContain(
      "> - `aws-dev`: `aws_db_instance.database_instance_D7FC2283` would be **forgotten** and a new one created (the old one stays, no longer managed by Terraform)",
    );
    expect(markdown).toContain("**0 to add, 0 to change, 0 to replace, 0 to destroy, 1 to forget**");
    expect(markdown).toContain(
      "| `aws_db_instance.database_instance_D7FC2283` | create, and forget the old one (removed from state, not destroyed) | `storage_encrypted`: false → true (forces replacement) |",
    );
  });
});

describe("plans it cannot fully read: exit 2, one line each, no summary", () => {
  test.each([
    [
      "aws-dev.no-resource-changes",
      "resource_changes is missing but prior_state has 1 resource (aws_db_instance.database_instance_D7FC2283): cannot tell what would change (expected the output of `terraform show -json <planfile>`, untrimmed)",
    ],
    [
      "aws-dev.format-2",
      'format_version "2.0" is not supported (this reader understands 1.x; a newer Terraform may have changed the format: https://developer.hashicorp.com/terraform/internals/json-format)',
    ],
  ])("%s", (name, message) => {
    const file = path.join(FIXTURES, `${name}.json`);
    const out: string[] = [];
    const err: string[] = [];
    const code = runSummary([path.join(FIXTURES, "aws-dev.create.json"), file], { stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
    expect({ code, out, err }).toEqual({ code: 2, out: [], err: [`${file}: ${message}`] });
  });
});
