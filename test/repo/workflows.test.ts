/**
 * The CI workflows shipped for users' repositories: valid YAML, and every `npm run <script>`
 * they call exists in package.json (so renaming a script cannot silently break a pipeline).
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.join(__dirname, "..", "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts;
const files = fs.readdirSync(WORKFLOWS).filter((file) => file.endsWith(".yml"));
const workflows = Object.fromEntries(files.map((file) => [file, parse(fs.readFileSync(path.join(WORKFLOWS, file), "utf8"))]));

function runCommands(workflow: any): string[] {
  return Object.values(workflow.jobs ?? {}).flatMap((job: any) => (job.steps ?? []).map((step: any) => step.run).filter(Boolean));
}

test("the pull-request, deploy and reusable deploy-stack workflows exist", () => {
  expect(files.sort()).toEqual(["deploy-stack.yml", "deploy.yml", "pull-request.yml"]);
});

test.each(files)("%s: every npm script it runs exists", (file) => {
  const used = runCommands(workflows[file]).flatMap((command) => [...command.matchAll(/npm (?:run|run-script) ([\w:-]+)/g)].map((m) => m[1]));
  for (const script of used) expect(Object.keys(scripts)).toContain(script);
});

test("pull requests: lint, test, synth, a plan per stack with OIDC, the guard, and one summary comment", () => {
  const pr = workflows["pull-request.yml"];
  expect(pr.on).toHaveProperty("pull_request");
  expect(runCommands(pr)).toEqual(
    expect.arrayContaining(["npm ci", "npm run lint", "npm test", "npm run synth", "npm run summary -- *.plan.json > plan-summary.md"]),
  );
  expect(pr.jobs.plan.permissions["id-token"]).toBe("write");
  expect(pr.jobs.plan.strategy.matrix.include.map((entry: any) => entry.stack)).toEqual(["aws-dev", "aws-prod", "gcp-dev", "gcp-prod"]);
  const steps = pr.jobs.plan.steps;
  expect(steps.find((step: any) => step.uses?.startsWith("aws-actions/configure-aws-credentials")).with).toHaveProperty("role-to-assume");
  expect(steps.find((step: any) => step.uses?.startsWith("google-github-actions/auth")).with).toHaveProperty("workload_identity_provider");
  expect(steps.some((step: any) => /npm run guard -- .*--config/.test(step.run ?? ""))).toBe(true);
  expect(JSON.stringify(pr)).not.toMatch(/AWS_SECRET_ACCESS_KEY|credentials_json/);
});

test("merge to main: dev then prod, each stack in its own GitHub environment, guarded before apply", () => {
  const deploy = workflows["deploy.yml"];
  expect(deploy.on.push.branches).toEqual(["main"]);
  expect(deploy.jobs.prod.needs).toBe("dev");
  const stack = workflows["deploy-stack.yml"];
  expect(stack.jobs.deploy.environment).toBe("${{ inputs.stack }}");
  const commands = runCommands(stack);
  const guard = commands.findIndex((command) => command.startsWith("npm run guard"));
  const apply = commands.findIndex((command) => command.includes("terraform apply"));
  expect(guard).toBeGreaterThan(-1);
  expect(apply).toBeGreaterThan(guard);
});

test("the stacks the workflows name are the stacks the examples synthesize", () => {
  const named = new Set([
    ...workflows["pull-request.yml"].jobs.plan.strategy.matrix.include.map((entry: any) => entry.stack),
    ...workflows["deploy.yml"].jobs.dev.strategy.matrix.stack,
    ...workflows["deploy.yml"].jobs.prod.strategy.matrix.stack,
  ]);
  expect([...named].sort()).toEqual(["aws-dev", "aws-prod", "gcp-dev", "gcp-prod"]);
});
