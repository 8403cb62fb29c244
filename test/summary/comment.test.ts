/**
 * The pull-request comment as the workflow makes it: section files from parallel jobs (one per
 * stack, failed ones with the end of their log), combined with plans into one comment with a
 * header, that stays under GitHub's limit and never carries a sensitive value.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runSummary } from "../../summary/cli";
import { COMMENT_BUDGET, GITHUB_COMMENT_LIMIT, renderComment } from "../../summary/comment";
import { changedAttributes } from "../../summary/attributes";
import { sectionFromPlan } from "../../summary/plan-summary";
import { PRICE_TABLE } from "../../pricing/price-table";

const FIXTURES = path.join(__dirname, "..", "fixtures", "plans");
const fixturePath = (name: string) => path.join(FIXTURES, `${name}.json`);
const fixture = (name: string) => JSON.parse(fs.readFileSync(fixturePath(name), "utf8"));
const RUN = "https://github.com/example/infra/actions/runs/42";

function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runSummary(argv, { stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
  return { code, out: out.join("\n"), err };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "summary-comment-"));
}

/** A plan fixture copied to `<dir>/<stack>.plan.json`, as the CI names them. */
function planFile(dir: string, stack: string, name: string): string {
  const file = path.join(dir, `${stack}.plan.json`);
  fs.copyFileSync(fixturePath(name), file);
  return file;
}

test("done when: the offline plan of the examples gives per-stack <details> and a monthly cost with the price table's date", () => {
  const { code, out } = run(["--commit", "3f9c2a1d5e7b8c90", "--run-url", RUN, planFile(tempDir(), "aws-dev", "aws-dev.create")]);
  expect(code).toBe(0);
  expect(out.split("\n").slice(0, 3)).toEqual(["# Plan summary", "", `Commit \`3f9c2a1\` · [workflow run](${RUN})`]);
  expect(out).toMatch(/<details>\n<summary><b>aws-dev<\/b>: \d+ to add, 0 to change, 0 to replace, 0 to destroy · ~\$135\.61\/mo \(\+\$135\.61\)<\/summary>/);
  expect(out).toContain(`Prices as of ${PRICE_TABLE.asOf} (\`pricing/price-table.json\`), eu-west-1`);
  expect(out).toContain("| `aws_nat_gateway.network_nat-gateway-eu-west-1a_D3CF07C4` | NAT gateway | $0.00 | $35.04 | +$35.04 |");
  expect(out).toContain("| **total** | | **$0.00** | **$135.61** | **+$135.61** |");
  expect(out).toContain(`**Estimated monthly cost of the stack: ~$135.61/mo (+$135.61)**, prices as of ${PRICE_TABLE.asOf} (\`pricing/price-table.json\`) (the stack uses prices not re-checked on that date: see each stack's notes); usage-based charges not included.\n`);
  expect(out).toContain("Usage-based, not estimated: ");
  expect(out).toContain("ALB load balancer capacity units (LCUs)");
});

describe("changed attributes", () => {
  test("nested blocks by path, unknowns, long values cut, replacement causes inside blocks", () => {
    const lines = changedAttributes({
      before: { ingress: [{ cidr_blocks: ["10.0.0.0/16"], from_port: 443 }], tags: { "kubernetes.io/role": "a" }, name: "x".repeat(100) },
      after: { ingress: [{ cidr_blocks: ["10.0.0.0/16", "10.1.0.0/16"], from_port: 443 }], tags: { "kubernetes.io/role": "b" }, name: "y".repeat(100) },
      after_unknown: { ingress: [{}], id: true, endpoint: true },
      replace_paths: [["ingress", 0, "cidr_blocks"]],
    });
    expect(lines).toEqual([
      "`endpoint`: null → (known after apply)",
      "`id`: null → (known after apply)",
      '`ingress[0].cidr_blocks`: ["10.0.0.0/16"] → ["10.0.0.0/16","10.1.0.0/16"] (forces replacement)',
      `\`name\`: "${"x".repeat(58)}… → "${"y".repeat(58)}…`,
      '`tags["kubernetes.io/role"]`: "a" → "b"',
    ]);
  });

  test("sensitive values are never printed: not in the comment, not in the section file", () => {
    const dir = tempDir();
    const sectionFile = path.join(dir, "aws-dev.section.json");
    expect(run(["--section-out", sectionFile, planFile(dir, "aws-dev", "aws-dev.sensitive-update")]).code).toBe(0);
    const comment = run([sectionFile]).out;
    const direct = run([planFile(dir, "aws-dev", "aws-dev.sensitive-update")]).out;
    for (const text of [comment, direct, fs.readFileSync(sectionFile, "utf8")]) {
      expect(text).not.toMatch(/secret|hunter2|correct-horse|ZXhwb3J0/);
    }
    expect(comment).toBe(direct);
    expect(comment).toContain("`password`: (sensitive) → (sensitive)");
    expect(comment).toContain("`parameters[0].value`: (sensitive) → (sensitive)");
    expect(comment).toContain("`user_data`: (sensitive) → (sensitive)");
    expect(comment).toContain('`instance_class`: "db.t4g.small" → "db.t4g.medium"');
    expect(comment).toContain('`ingress[0].cidr_blocks`: ["10.10.64.0/21"] → ["10.10.64.0/21","10.10.72.0/21"]');
    // The class change is priced: db.t4g.small → db.t4g.medium, Single-AZ, eu-west-1.
    expect(comment).toContain("· ~$52.91/mo (+$24.82)</summary>");
    expect(comment).toContain("| `aws_db_instance.database_instance_D7FC2283` | db.t4g.small MySQL Single-AZ + 20 GB gp3 → db.t4g.medium MySQL Single-AZ + 20 GB gp3 | $28.09 | $52.91 | +$24.82 |");
  });
});

describe("sections from parallel jobs", () => {
  test("a section file per stack, a failed stack from its log, combined with a plan into one comment", () => {
    const dir = tempDir();
    const log = path.join(dir, "aws-prod.log");
    const lines = Array.from({ length: 60 }, (_, index) => `\u001b[0m\u001b[1mline ${index}\u001b[0m`);
    lines.push("\u001b[31m╷\u001b[0m", "\u001b[31m│\u001b[0m \u001b[1m\u001b[31mError: \u001b[0m\u001b[0m\u001b[1mNo valid credential sources found\u001b[0m", "```");
    fs.writeFileSync(log, lines.join("\n"));
    const failedSection = path.join(dir, "aws-prod.section.json");
    expect(run(["--failed", "aws-prod", "--log", log, "--section-out", failedSection])).toEqual({ code: 0, out: "", err: [] });
    const devSection = path.join(dir, "aws-dev.section.json");
    expect(run(["--section-out", devSection, planFile(dir, "aws-dev", "aws-dev.db-replace")]).code).toBe(0);
    const section = JSON.parse(fs.readFileSync(devSection, "utf8"));
    expect(section).toMatchObject({ kind: "plan-summary-section", version: 1, stack: "aws-dev", status: "planned", counts: { add: 0, change: 0, replace: 1, destroy: 0, forget: 0 } });
    expect(section.cost).toMatchObject({ asOf: PRICE_TABLE.asOf, table: "pricing/price-table.json", regions: ["eu-west-1"] });

    const { code, out } = run(["--run-url", RUN, devSection, failedSection, planFile(dir, "gcp-dev", "aws-dev.create")]);
    expect(code).toBe(0);
    expect(out.indexOf("<b>aws-dev</b>")).toBeLessThan(out.indexOf("<b>aws-prod</b>"));
    expect(out).toContain("> - `aws-dev`: `aws_db_instance.database_instance_D7FC2283` would be **replaced**");
    expect(out).toContain("<details open>\n<summary>❌ <b>aws-prod</b>: plan failed</summary>");
    expect(out).not.toContain("\u001b");
    expect(out).toContain("│ Error: No valid credential sources found");
    // The last 40 lines: the 3 final ones and lines 23…59; the log's own ``` cannot close the block.
    expect(out).not.toContain("line 22\n");
    expect(out).toContain("````text\nline 23\n");
    expect(out).toContain("\n```\n````");
    expect(out).toContain("**Estimated monthly cost of the 2 stacks: ~$271.22/mo (+$135.61)**");
    // aws-dev's RDS and EC2 prices are last-known ones, not re-checked on the table's date: said at the total too.
    expect(out).toContain(`prices as of ${PRICE_TABLE.asOf} (\`pricing/price-table.json\`) (every stack uses prices not re-checked on that date: see each stack's notes)`);
    // The failed stack is not in the total, and the total says so.
    expect(out).toMatch(/usage-based charges not included; without `aws-prod` \(no plan, not priced\)\.\n/);
  });

  test("a failed stack without a log still gets its section, with a warning", () => {
    const { code, out, err } = run(["--failed", "gcp-prod", "--log", "/nonexistent/gcp-prod.log"]);
    expect(code).toBe(0);
    expect(out).toContain("The plan failed, and its log could not be read (cannot read: file not found).");
    expect(err).toEqual(["summary: warning: /nonexistent/gcp-prod.log: cannot read: file not found"]);
  });

  test("bad sections and usage: exit 2, one line each, nothing written", () => {
    const dir = tempDir();
    const bad = path.join(dir, "aws-dev.section.json");
    fs.writeFileSync(bad, JSON.stringify({ kind: "plan-summary-section", version: 9 }));
    expect(run([bad])).toEqual({ code: 2, out: "", err: [`${bad}: section version 9 is not supported (this summary reads version 1)`] });
    const plan = planFile(dir, "aws-dev", "aws-dev.create");
    expect(run([plan, plan]).err).toEqual(["summary: stack aws-dev is given twice"]);
    const out = path.join(dir, "out.section.json");
    expect(run(["--section-out", out, plan, plan]).code).toBe(2);
    expect(run(["--failed", "aws-dev"]).code).toBe(2);
    expect(fs.existsSync(out)).toBe(false);
  });
});

test("40 stacks stay under GitHub's 65,536 characters: the largest resource lists go first, every stack keeps its line and cost", () => {
  const names = ["aws-dev.create", "aws-dev.db-replace", "aws-dev.zone-delete", "aws-dev.listener-rule-replace", "aws-dev.sensitive-update"];
  const plans = names.map(fixture);
  const sections = Array.from({ length: 40 }, (_, index) => sectionFromPlan(`stack-${String(index).padStart(2, "0")}`, plans[index % plans.length]));
  const full = renderComment(sections, { limit: Number.MAX_SAFE_INTEGER });
  expect(full.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT); // the set is big enough to need cutting

  const comment = renderComment(sections, { commit: "abcdef0123", runUrl: RUN });
  expect(comment.length).toBeLessThan(COMMENT_BUDGET);
  expect(COMMENT_BUDGET).toBeLessThan(GITHUB_COMMENT_LIMIT);
  expect(comment).toMatch(/> \[!NOTE\]\n> Shortened to fit GitHub's 65,536-character comment limit: the resource lists of \d+ stacks were left out \(`stack-00`/);
  expect(comment).toContain(`The full plans are in the [workflow run](${RUN}).`);
  for (const section of sections) {
    expect(comment).toContain(`<summary><b>${section.stack}</b>: `);
    expect(comment).toMatch(new RegExp(`<summary><b>${section.stack}</b>: [^<]* · ~\\$[\\d,.]+/mo \\([+±-]\\$[\\d,.]+\\)</summary>`));
  }
  // The largest lists were cut (the creates, one row per resource: every fifth stack), just enough of them; the small ones stayed.
  const cut = /were left out \(([^)]*)\)/.exec(comment)![1].split(", ").map((stack) => Number(stack.replace(/`stack-(\d+)`/, "$1")));
  expect(cut.length).toBeGreaterThan(0);
  expect(cut.length).toBeLessThanOrEqual(8);
  expect(cut.every((index) => index % names.length === 0)).toBe(true);
  expect(comment).toContain("<summary><b>stack-01</b>: 0 to add, 0 to change, 1 to replace, 0 to destroy · ~$135.61/mo (±$0.00)</summary>");
  expect(comment).toContain("| `aws_db_instance.database_instance_D7FC2283` | replace | `storage_encrypted`: false → true (forces replacement) |");
  expect(comment).toContain("`ingress[0].cidr_blocks`");
  // Every stack keeps its cost table.
  expect(comment.match(/\*\*Monthly cost estimate\*\*/g)).toHaveLength(40);
});

test("the total counts in English and names every stack it leaves out, with why", () => {
  const create = sectionFromPlan("aws-dev", fixture("aws-dev.create"));
  const confirmed = { ...create, stack: "aws-qa", cost: { ...create.cost!, unconfirmed: 0 } };
  const costless = { ...create, stack: "aws-old", cost: undefined };
  const comment = renderComment([create, confirmed, costless]);
  expect(comment).toContain("(1 stack uses prices not re-checked on that date: see each stack's notes); usage-based charges not included; without `aws-old` (not priced).\n");
});
