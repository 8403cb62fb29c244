/**
 * The CI workflows shipped for users' repositories, parsed: actions pinned by commit, no plan or
 * state in artifacts, the deploy chain plan → summary in the run → approval → apply of that
 * encrypted plan, stacks from config/ (never listed by hand), and agreement with package.json,
 * .nvmrc and the files they name. Renaming a script or adding an environment cannot silently break
 * a pipeline.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { loadEnvironments } from "../../environment/load";
import { stackEntries } from "../../scripts/ci/stack-matrix";

const ROOT = path.join(__dirname, "..", "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const files = fs.readdirSync(WORKFLOWS).filter((file) => /\.ya?ml$/.test(file)).sort();
const texts: Record<string, string> = Object.fromEntries(files.map((file) => [file, fs.readFileSync(path.join(WORKFLOWS, file), "utf8")]));
const workflows: Record<string, any> = Object.fromEntries(files.map((file) => [file, parse(texts[file])]));

type Step = { name?: string; uses?: string; run?: string; with?: Record<string, any>; env?: Record<string, string>; if?: string; id?: string; "working-directory"?: string };
const jobsOf = (file: string): [string, any][] => Object.entries(workflows[file].jobs ?? {});
const allJobs = files.flatMap((file) => jobsOf(file).map(([id, job]) => ({ file, id, job })));
const steps = (job: any): Step[] => job.steps ?? [];
const allSteps = allJobs.flatMap(({ file, id, job }) => steps(job).map((step) => ({ file, job: id, step })));
const usesOf = (step: Step, action: string) => step.uses?.split("@")[0] === action;
const runs = (job: any) => steps(job).map((step) => step.run ?? "");
/** Index of the first step whose run matches, -1 if none. */
const stepIndex = (job: any, pattern: RegExp) => steps(job).findIndex((step) => pattern.test(step.run ?? ""));
const uploads = allSteps.filter(({ step }) => usesOf(step, "actions/upload-artifact"));

/** The reusable workflow deploy.yml calls for each stack. */
const deploy = workflows["deploy.yml"];
const stackWorkflowFile = path.basename(String(Object.values<any>(deploy.jobs).find((job) => job.uses)?.uses));
const stackWorkflow = workflows[stackWorkflowFile];
const deployJobs = Object.entries<any>(stackWorkflow?.jobs ?? {});
const applyEntry = deployJobs.find(([, job]) => runs(job).some((command) => /terraform apply/.test(command)));
const [applyId, apply] = applyEntry ?? ["", {}];
const planId: string = [apply.needs].flat()[0];
const plan = stackWorkflow?.jobs?.[planId] ?? {};

test("the pull-request, deploy and reusable deploy-stack workflows exist", () => {
  expect(files).toEqual(["deploy-stack.yml", "deploy.yml", "pull-request.yml"]);
  expect(stackWorkflowFile).toBe("deploy-stack.yml");
  expect(stackWorkflow.on).toHaveProperty("workflow_call");
});

describe("actions", () => {
  test("every uses: is pinned to a 40-hex commit with its release tag in a comment (local reusable workflows excepted)", () => {
    for (const file of files) {
      for (const line of texts[file].split("\n").filter((text) => /^\s*(- )?uses:/.test(text))) {
        const ref = line.replace(/^\s*(- )?uses:\s*/, "");
        if (ref.startsWith("./")) continue; // same repository, same commit as the workflow itself
        expect(`${file}: ${ref}`).toMatch(/: [^@\s]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      }
    }
    for (const { step } of allSteps) if (step.uses) expect(step.uses).toMatch(/^[^@]+@[0-9a-f]{40}$/);
  });

  test("one action, one commit: every workflow uses the same pin of it", () => {
    const pins = new Map<string, Set<string>>();
    for (const file of files) {
      for (const [, action, pin] of texts[file].matchAll(/uses: ([^@\s.][^@\s]*)@([0-9a-f]{40} # \S+)/g)) {
        pins.set(action, (pins.get(action) ?? new Set()).add(pin));
      }
    }
    for (const [action, set] of pins) expect(`${action}: ${[...set].join(" | ")}`).not.toContain(" | ");
    expect([...pins.keys()].sort()).toEqual([
      "actions/cache",
      "actions/checkout",
      "actions/download-artifact",
      "actions/setup-node",
      "actions/upload-artifact",
      "aws-actions/configure-aws-credentials",
      "google-github-actions/auth",
      "hashicorp/setup-terraform",
    ]);
  });

  test.each(files)("%s says at the top that Dependabot bumps the pins", (file) => {
    const header = texts[file].split("\n").filter((line) => line.startsWith("#")).join("\n");
    expect(header).toMatch(/Dependabot/);
    expect(fs.readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8")).toMatch(/package-ecosystem: github-actions/);
  });
});

describe("artifacts", () => {
  const paths = uploads.flatMap(({ step }) => String(step.with?.path ?? "").split("\n").map((line) => line.trim()).filter(Boolean));

  test("no upload of plan JSON, state, logs or an unencrypted saved plan", () => {
    expect(paths.length).toBeGreaterThan(0);
    for (const uploaded of paths) {
      expect(uploaded).not.toMatch(/(^|[/.])plan\.json$|\.tfstate|\.tfplan$|plan\.bin$|\.log$|\.terraform\.lock\.hcl$/);
    }
  });

  test("every upload is named and expires: a review's after one day, a deploy's after seven (an approval may wait)", () => {
    for (const { file, step } of uploads) {
      expect([file, step.with?.["retention-days"]]).toEqual([file, file === "pull-request.yml" ? 1 : 7]);
      expect(step.with?.name).toEqual(expect.any(String));
    }
  });

  test("every artifact downloaded is uploaded by the same run", () => {
    const names = uploads.map(({ step }) => String(step.with?.name).replace(/\$\{\{[^}]+\}\}/g, "*"));
    for (const { step } of allSteps.filter(({ step }) => usesOf(step, "actions/download-artifact"))) {
      const wanted = String(step.with?.name ?? step.with?.pattern).replace(/\$\{\{[^}]+\}\}/g, "*");
      expect(names).toContain(wanted);
      // Without a token download-artifact reads only the current run's artifacts.
      expect(step.with).not.toHaveProperty("github-token");
      if (step.with?.["run-id"] !== undefined) expect(step.with["run-id"]).toBe("${{ github.run_id }}");
    }
  });
});

describe("deploy: plan → summary in the run → approval → apply of that plan", () => {
  test("on push to main, one deploy at a time, never cancelled mid-apply", () => {
    expect(deploy.on).toEqual({ push: { branches: ["main"] } });
    expect(deploy.concurrency).toMatchObject({ "cancel-in-progress": false });
    expect(apply.concurrency).toMatchObject({ "cancel-in-progress": false });
  });

  test("one synthesis, uploaded once; the stack jobs download it and never synthesize", () => {
    const synthJobs = allJobs.filter(({ file, job }) => file !== "pull-request.yml" && runs(job).some((command) => /npm run synth|cdktf synth/.test(command)));
    expect(synthJobs.map(({ id }) => id)).toEqual(["synth"]);
    expect(steps(deploy.jobs.synth).some((step) => usesOf(step, "actions/upload-artifact") && step.with?.name === "cdktf-out")).toBe(true);
    for (const job of [plan, apply]) {
      expect(steps(job).some((step) => usesOf(step, "actions/download-artifact") && step.with?.name === "cdktf-out" && step.with?.path === "cdktf.out")).toBe(true);
    }
  });

  test("development stacks first; production planned only after development applied", () => {
    const { development, production } = deploy.jobs;
    expect(development.strategy.matrix).toBe("${{ fromJSON(needs.synth.outputs.development) }}");
    expect(production.strategy.matrix).toBe("${{ fromJSON(needs.synth.outputs.production) }}");
    expect(production.needs).toEqual(expect.arrayContaining(["development"]));
    // Development failed: no production. Development without changes (its apply skipped) or without stacks: production.
    expect(production.if).toBe(
      "!cancelled() && needs.synth.result == 'success' && needs.synth.outputs.production_count != '0' && (needs.development.result == 'success' || needs.development.result == 'skipped')",
    );
    for (const job of [development, production]) {
      expect(path.basename(job.uses)).toBe(stackWorkflowFile);
      expect(job.with).toEqual({ stack: "${{ matrix.stack }}", cloud: "${{ matrix.cloud }}", config: "${{ matrix.config }}", region: "${{ matrix.region }}" });
    }
  });

  test("the plan job refuses a local backend before terraform init, then plans to plan.bin and JSON in the runner's temp directory", () => {
    const backend = stepIndex(plan, /node --import tsx scripts\/ci\/require-remote-backend\.ts "\$STACK_DIR"/);
    const init = stepIndex(plan, /terraform init/);
    expect(backend).toBeGreaterThan(-1);
    expect(init).toBeGreaterThan(backend);
    const command = steps(plan)[init].run!;
    expect(command).toMatch(/terraform plan -input=false .*-out=plan\.bin/);
    expect(command).toMatch(/terraform show -json plan\.bin > "\$RUNNER_TEMP\/\$STACK\.plan\.json"/);
    expect(plan.environment).toBeDefined();
    expect(plan.environment).not.toBe(apply.environment); // no approval before the plan exists
  });

  test("then the guard, and the summary written to the run's page for the approver", () => {
    const init = stepIndex(plan, /terraform init/);
    const guard = stepIndex(plan, /npm run guard -- "\$RUNNER_TEMP\/\$STACK\.plan\.json" --config "\$CONFIG"/);
    const summary = stepIndex(plan, /npm run summary --silent -- "\$RUNNER_TEMP\/\$STACK\.plan\.json" --commit "\$GITHUB_SHA"/);
    expect(guard).toBeGreaterThan(init);
    expect(steps(plan)[guard].env).toEqual({ CONFIG: "${{ inputs.config }}" });
    expect(summary).toBeGreaterThan(guard);
    expect(steps(plan)[summary].run).toMatch(/--run-url "\$GITHUB_SERVER_URL\/\$GITHUB_REPOSITORY\/actions\/runs\/\$GITHUB_RUN_ID" >> "\$GITHUB_STEP_SUMMARY"/);
  });

  const OPENSSL = "openssl enc -aes-256-cbc -pbkdf2 -iter 600000 -salt -pass env:PLAN_ENCRYPTION_KEY";

  test("the plan and its lock file leave the job only encrypted with the environment secret, with their digests as job outputs", () => {
    const encrypt = steps(plan).find((step) => step.id === "encrypt")!;
    expect(encrypt.env).toEqual({ PLAN_ENCRYPTION_KEY: "${{ secrets.PLAN_ENCRYPTION_KEY }}" });
    expect(encrypt.run).toContain(`${OPENSSL} -in plan.bin -out "$out/plan.bin.enc"`);
    expect(encrypt.run).toContain(`${OPENSSL} -in .terraform.lock.hcl -out "$out/terraform.lock.hcl.enc"`);
    expect(encrypt.run).toMatch(/-z "\$PLAN_ENCRYPTION_KEY"[\s\S]*exit 1/); // no key: fail, never upload in clear
    expect(encrypt.run).toMatch(/plan_sha256=\$\(sha256sum /);
    expect(encrypt.run).toMatch(/lock_sha256=\$\(sha256sum /);
    expect(plan.outputs).toMatchObject({ plan_sha256: "${{ steps.encrypt.outputs.plan_sha256 }}", lock_sha256: "${{ steps.encrypt.outputs.lock_sha256 }}" });
    const upload = steps(plan).findIndex((step) => usesOf(step, "actions/upload-artifact"));
    expect(upload).toBeGreaterThan(steps(plan).indexOf(encrypt));
    const step = steps(plan)[upload];
    expect(step.with).toMatchObject({ name: "plan-${{ inputs.stack }}", "retention-days": 7, "if-no-files-found": "error" });
    expect(String(step.with!.path).trim().split("\n").map((line) => path.basename(line.trim()))).toEqual(["plan.bin.enc", "terraform.lock.hcl.enc"]);
  });

  test("the apply job needs the plan job and runs in the stack's environment (its reviewers are the approval)", () => {
    expect(applyId).toBe("apply");
    expect(planId).toBe("plan");
    expect(apply.environment).toBe("${{ inputs.stack }}");
  });

  test("a plan without changes uploads nothing and skips the apply job, so nobody is asked to approve nothing", () => {
    const planStep = steps(plan).find((step) => step.id === "plan")!;
    expect(planStep.run).toMatch(/terraform plan .*-detailed-exitcode .*\|\| status=\$\?/);
    expect(planStep.run).toMatch(/0\) echo "changes=false" >> "\$GITHUB_OUTPUT" ;;\n\s*2\) echo "changes=true" >> "\$GITHUB_OUTPUT" ;;\n\s*\*\) exit "\$status" ;;/);
    expect(plan.outputs.changes).toBe("${{ steps.plan.outputs.changes }}");
    expect(apply.if).toBe("needs.plan.outputs.changes == 'true'");
    const encrypt = steps(plan).find((step) => step.id === "encrypt")!;
    const upload = steps(plan).find((step) => usesOf(step, "actions/upload-artifact"))!;
    for (const step of [encrypt, upload]) expect(step.if).toBe("steps.plan.outputs.changes == 'true'");
    // The summary and the guard still run: the run's page says there is nothing to apply.
    for (const step of steps(plan).filter((candidate) => /npm run (summary|guard)/.test(candidate.run ?? ""))) expect(step.if).toBeUndefined();
  });

  test("it downloads this run's plan of this stack, checks the digests, decrypts, inits read-only on the plan's lock file and applies plan.bin", () => {
    const download = steps(apply).findIndex((step) => usesOf(step, "actions/download-artifact") && step.with?.name === "plan-${{ inputs.stack }}");
    expect(steps(apply)[download].with).toMatchObject({ "run-id": "${{ github.run_id }}" });
    const verify = stepIndex(apply, /sha256sum --check --strict/);
    expect(steps(apply)[verify].env).toEqual({ PLAN_SHA256: "${{ needs.plan.outputs.plan_sha256 }}", LOCK_SHA256: "${{ needs.plan.outputs.lock_sha256 }}" });
    const decrypt = stepIndex(apply, /openssl enc -d/);
    const decryption = steps(apply)[decrypt].run!;
    expect(decryption).toContain(`openssl enc -d -aes-256-cbc -pbkdf2 -iter 600000 -salt -pass env:PLAN_ENCRYPTION_KEY -in "$in/plan.bin.enc" -out "$STACK_DIR/plan.bin"`);
    expect(decryption).toContain(`-in "$in/terraform.lock.hcl.enc" -out "$STACK_DIR/.terraform.lock.hcl"`);
    const applied = stepIndex(apply, /terraform apply/);
    expect(steps(apply)[applied].run).toMatch(/terraform init -input=false -lockfile=readonly\n/);
    expect(steps(apply)[applied].run).toMatch(/terraform apply -input=false -lock-timeout=5m plan\.bin\n/);
    expect([download, verify, decrypt, applied]).toEqual([...[download, verify, decrypt, applied]].sort((a, b) => a - b));
    expect(download).toBeGreaterThan(-1);
  });

  test("nothing anywhere applies a fresh plan or plans in the apply job", () => {
    for (const { file, job } of allJobs) {
      for (const command of runs(job)) {
        for (const line of command.split("\n").filter((text) => /terraform\b.*\bapply\b/.test(text))) {
          expect(`${file}: ${line.trim()}`).toMatch(/ plan\.bin$/);
        }
        expect(command).not.toMatch(/-auto-approve/);
      }
    }
    expect(runs(apply).join("\n")).not.toMatch(/terraform plan|npm run synth/);
    expect(runs(workflows["pull-request.yml"].jobs.plan).join("\n")).not.toMatch(/terraform apply/);
  });
});

describe("pull requests: review only", () => {
  const pr = workflows["pull-request.yml"];

  test("one check job lints, tests, synthesizes and uploads cdktf.out; the plan jobs download it", () => {
    expect(pr.on).toHaveProperty("pull_request");
    expect(runs(pr.jobs.check)).toEqual(expect.arrayContaining(["npm ci", "npm run lint", "npm test", "npm run test:e2e", "npm run synth"]));
    expect(steps(pr.jobs.check).some((step) => usesOf(step, "actions/upload-artifact") && step.with?.name === "cdktf-out")).toBe(true);
    expect(runs(pr.jobs.plan).join("\n")).not.toMatch(/synth/);
    expect(steps(pr.jobs.plan).some((step) => usesOf(step, "actions/download-artifact") && step.with?.name === "cdktf-out")).toBe(true);
  });

  test("plans without the state lock, refuses a local backend, keeps plan JSON in the runner's temp directory", () => {
    const command = runs(pr.jobs.plan).find((text) => /terraform .*plan /.test(text))!;
    expect(command).toMatch(/require-remote-backend\.ts "\$STACK_DIR" &&\n\s*terraform -chdir="\$STACK_DIR" init/);
    expect(command).toMatch(/plan -input=false -lock=false .*-out=plan\.bin/);
    expect(command).toMatch(/show -json plan\.bin > "\$RUNNER_TEMP\/\$STACK\.plan\.json"/);
    expect(command).toMatch(/tee "\$RUNNER_TEMP\/\$STACK\.plan\.log"/);
    expect(command).toMatch(/set -o pipefail/);
  });

  test("each stack uploads only its section: from the plan, or the failed stack with its log", () => {
    const section = steps(pr.jobs.plan).find((step) => /--section-out/.test(step.run ?? ""))!;
    expect(section.if).toBe("${{ !cancelled() }}");
    expect(section.run).toContain(`npm run summary -- "$RUNNER_TEMP/$STACK.plan.json" --section-out "$RUNNER_TEMP/section/$STACK.section.json"`);
    expect(section.run).toContain(`npm run summary -- --failed "$STACK" --log "$RUNNER_TEMP/$STACK.plan.log" --section-out "$RUNNER_TEMP/section/$STACK.section.json"`);
    const guard = steps(pr.jobs.plan).find((step) => /npm run guard/.test(step.run ?? ""))!;
    expect(guard.run).toBe(`npm run guard -- "$RUNNER_TEMP/$STACK.plan.json" --config "$CONFIG"`);
    const upload = steps(pr.jobs.plan).filter((step) => usesOf(step, "actions/upload-artifact"));
    expect(upload.map((step) => step.with?.path)).toEqual(["${{ runner.temp }}/section/${{ matrix.stack }}.section.json"]);
  });

  test("one comment from every section, with the head commit and the run, found again by its marker", () => {
    const { comment } = pr.jobs;
    expect(comment.needs).toBe("plan");
    expect(comment.if).toBe("${{ !cancelled() && needs.plan.result != 'skipped' }}");
    expect(comment.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    const render = steps(comment).find((step) => /npm run summary/.test(step.run ?? ""))!;
    expect(render.env).toEqual({ HEAD_SHA: "${{ github.event.pull_request.head.sha }}" });
    expect(render.run).toMatch(/npm run summary --silent -- "\$RUNNER_TEMP"\/sections\/\*\.section\.json --commit "\$HEAD_SHA" \\\n\s*--run-url "\$GITHUB_SERVER_URL\//);
    const post = runs(comment).find((text) => /gh api/.test(text))!;
    expect(post).toContain("marker='<!-- plan-summary -->'");
    expect(post).toContain(`select(.user.login == \\"github-actions[bot]\\" and (.body | startswith(\\"$marker\\")))`);
    expect(post).not.toMatch(/\| head/m); // under pipefail head's early exit can fail gh
    expect(post).toMatch(/--method PATCH/);
  });
});

describe("failures and cancellations", () => {
  test.each(files)("%s runs every script under bash -eo pipefail (GitHub's `shell: bash`)", (file) => {
    expect(workflows[file].defaults).toEqual({ run: { shell: "bash" } });
    for (const { file: owner, step } of allSteps) if (owner === file) expect(step).not.toHaveProperty("shell");
  });

  test("always() only on clean-up steps: after a cancellation nothing reports, comments or deploys", () => {
    const conditions = [
      ...allJobs.map(({ file, id, job }) => [`${file}:${id}`, job.if, ""]),
      ...allSteps.map(({ file, job, step }) => [`${file}:${job}:${step.name ?? step.uses ?? step.run}`, step.if, step.run ?? ""]),
    ].filter(([, condition]) => /always\(\)/.test(String(condition ?? "")));
    expect(conditions.length).toBeGreaterThan(0);
    for (const [where, condition, run] of conditions) expect([where, condition, run]).toEqual([where, "always()", expect.stringMatching(/^rm -f /)]);
  });

  test("a failing jq stops the provider cache key step instead of keying the cache on nothing", () => {
    const keySteps = allSteps.filter(({ step }) => step.id === "providers");
    expect(keySteps.length).toBe(3);
    for (const { step } of keySteps) {
      expect(step.run).toMatch(/^\s*providers=\$\(jq -cS '\.terraform\.required_providers' "\$STACK_DIR\/cdk\.tf\.json"\)/m);
      expect(step.run).not.toMatch(/echo "key=\$\(jq/);
    }
  });
});

describe("consistency with the repository", () => {
  const environments = loadEnvironments(path.join(ROOT, "config"));
  const ids = stackEntries(environments).map((entry) => entry.stack);

  test("no stack is named in a workflow: every matrix comes from scripts/ci/stack-matrix.ts", () => {
    expect(ids.length).toBeGreaterThan(0);
    for (const file of files) for (const id of ids) expect(`${file}: ${texts[file].includes(id) ? id : ""}`).toBe(`${file}: `);
    const matrixJobs = allJobs.filter(({ job }) => job.strategy?.matrix !== undefined);
    expect(matrixJobs.length).toBe(3);
    for (const { file, job } of matrixJobs) {
      const [, source, output] = /^\$\{\{ fromJSON\(needs\.(\w+)\.outputs\.(\w+)\) \}\}$/.exec(job.strategy.matrix) ?? [];
      const producer = workflows[file].jobs[source];
      const matrixStep = steps(producer).find((step) => /node --import tsx scripts\/ci\/stack-matrix\.ts >> "\$GITHUB_OUTPUT"/.test(step.run ?? ""))!;
      expect(producer.outputs[output]).toBe(`\${{ steps.${matrixStep.id}.outputs.${output} }}`);
      // The matrix is computed after synthesis, from the same files.
      expect(stepIndex(producer, /npm run synth/)).toBeLessThan(steps(producer).indexOf(matrixStep));
    }
  });

  test("node from .nvmrc everywhere, and .nvmrc agrees with package.json engines.node", () => {
    const setups = allSteps.filter(({ step }) => usesOf(step, "actions/setup-node"));
    expect(setups.length).toBeGreaterThan(0);
    for (const { step } of setups) {
      expect(step.with?.["node-version-file"]).toBe(".nvmrc");
      expect(step.with).not.toHaveProperty("node-version");
    }
    const nvmrc = fs.readFileSync(path.join(ROOT, ".nvmrc"), "utf8").trim();
    expect(nvmrc).toMatch(/^\d+$/);
    expect(pkg.engines.node).toBe(`>=${nvmrc}`);
  });

  test("terraform 1.11.4 without the wrapper, a provider cache before every init, checkpoints off", () => {
    for (const file of files) expect(workflows[file].env?.CHECKPOINT_DISABLE).toBe("1");
    const terraformJobs = allJobs.filter(({ job }) => stepIndex(job, /terraform (-chdir=\S+ )?init/) > -1);
    expect(terraformJobs.map(({ file, id }) => `${file}:${id}`).sort()).toEqual(["deploy-stack.yml:apply", "deploy-stack.yml:plan", "pull-request.yml:plan"]);
    for (const { file, job } of terraformJobs) {
      expect(workflows[file].env?.TF_PLUGIN_CACHE_DIR).toBe("${{ github.workspace }}/.terraform-plugin-cache");
      const setup = steps(job).find((step) => usesOf(step, "hashicorp/setup-terraform"));
      expect(setup?.with).toEqual({ terraform_version: "1.11.4", terraform_wrapper: false });
      const cache = steps(job).findIndex((step) => usesOf(step, "actions/cache"));
      expect(steps(job)[cache].with?.path).toBe("${{ env.TF_PLUGIN_CACHE_DIR }}");
      expect(steps(job)[cache].with?.key).toMatch(/^terraform-providers-\$\{\{ runner\.os \}\}-\$\{\{ runner\.arch \}\}-\$\{\{ steps\.providers\.outputs\.key \}\}$/);
      expect(cache).toBeLessThan(stepIndex(job, /terraform (-chdir=\S+ )?init/));
    }
    // Only review plans may take a cached provider the lock file does not list.
    expect(workflows["deploy-stack.yml"].env).not.toHaveProperty("TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE");
  });

  test("least privilege: contents read by default, OIDC only where cloud credentials are fetched, comment writing only in the comment job", () => {
    for (const file of files) expect(workflows[file].permissions).toEqual({ contents: "read" });
    for (const { file, id, job } of allJobs) {
      const credentials = steps(job).some((step) => usesOf(step, "aws-actions/configure-aws-credentials") || usesOf(step, "google-github-actions/auth"));
      const callsCredentials = job.uses !== undefined; // a reusable workflow whose jobs fetch them
      expect(`${file}:${id} id-token ${job.permissions?.["id-token"] ?? "none"}`).toBe(`${file}:${id} id-token ${credentials || callsCredentials ? "write" : "none"}`);
      expect(job.permissions).toBeDefined();
      if (id !== "comment") expect(Object.values(job.permissions).filter((level) => level === "write")).toEqual(credentials || callsCredentials ? ["write"] : []);
    }
    expect(JSON.stringify(workflows)).not.toMatch(/AWS_SECRET_ACCESS_KEY|credentials_json|secrets: inherit/);
  });

  test("AWS credentials for the stack's own region; GCP through Workload Identity Federation", () => {
    for (const { step } of allSteps.filter(({ step }) => usesOf(step, "aws-actions/configure-aws-credentials"))) {
      expect(step.with?.["role-to-assume"]).toMatch(/^\$\{\{ vars\.AWS_(PLAN|DEPLOY)_ROLE_ARN \}\}$/);
      expect(step.with?.["aws-region"]).toMatch(/^\$\{\{ (inputs|matrix)\.region \}\}$/);
    }
    for (const { step } of allSteps.filter(({ step }) => usesOf(step, "google-github-actions/auth"))) {
      expect(step.with).toEqual({
        workload_identity_provider: "${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}",
        service_account: expect.stringMatching(/^\$\{\{ vars\.GCP_(PLAN|DEPLOY)_SERVICE_ACCOUNT \}\}$/),
      });
    }
  });

  test.each(files)("%s: every npm script it runs exists in package.json", (file) => {
    const used = jobsOf(file).flatMap(([, job]) => runs(job)).flatMap((command) => [...command.matchAll(/npm (?:run|run-script) ([\w:-]+)/g)].map((m) => m[1]));
    for (const script of used) expect(Object.keys(pkg.scripts)).toContain(script);
  });

  test("an npm script whose output is kept runs with --silent (npm prints its '> script' banner on stdout)", () => {
    for (const command of allSteps.flatMap(({ step }) => (step.run ?? "").split(/(?<!\\)\n/))) {
      if (/npm run [\w:-]+ .*(>>?|\| *tee) /.test(command)) expect(command).toMatch(/npm run [\w:-]+ --silent /);
    }
  });

  test("every file a workflow names exists: scripts, .nvmrc, reusable workflows, the environment files of the matrix", () => {
    const named = files.flatMap((file) => [...texts[file].matchAll(/(?<![\w$/.-])((?:scripts|config|\.github)\/[\w./-]+\.(?:ts|ya?ml))/g)].map((m) => m[1]));
    named.push(...allJobs.filter(({ job }) => job.uses).map(({ job }) => job.uses.replace(/^\.\//, "")));
    named.push(...allSteps.map(({ step }) => step.with?.["node-version-file"]).filter(Boolean));
    named.push(...stackEntries(environments).map((entry) => path.relative(ROOT, entry.config)));
    expect(named).toEqual(expect.arrayContaining(["scripts/ci/stack-matrix.ts", "scripts/ci/require-remote-backend.ts", ".nvmrc"]));
    for (const file of new Set(named)) expect(`${file} ${fs.existsSync(path.join(ROOT, file)) ? "exists" : "is missing"}`).toBe(`${file} exists`);
  });
});
