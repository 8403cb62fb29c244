/**
 * The escaping of lib/terraform-template.ts through a real `terraform apply` (no provider needed):
 * the simulation in test/support/stub-bin.ts that the unit tests rely on must agree with Terraform.
 */
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Fn } from "cdktf";
import { escapeFunctionArgument, escapeTemplate } from "../../lib/terraform-template";
import { renderAsTerraform, SAMPLE_VALUES, synthesizeValue, TRICKY } from "../support/stub-bin";

// The unit tests' simulation is only as good as its model of Terraform: check it against the real one.
const terraform = spawnSync("terraform", ["version"], { encoding: "utf8" }).status === 0;
(terraform ? it : it.skip)("the simulated Terraform agrees with terraform apply (skipped without terraform on PATH)", () => {
  const plain = synthesizeValue(({ dbHost, region }) => escapeTemplate(TRICKY) + dbHost + region);
  const encoded = synthesizeValue(({ secretId }) => Fn.base64encode(escapeFunctionArgument(TRICKY) + secretId));
  const dir = mkdtempSync(join(tmpdir(), "tf-template-"));
  const names = { db_host: "var.db_host", secret_id: "var.secret_id" };
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify({
      variable: {
        ...Object.fromEntries(Object.entries(names).map(([name, ref]) => [name, { type: "string", default: SAMPLE_VALUES[ref] }])),
        region: { type: "string", default: SAMPLE_VALUES["lower(var.region)"].toUpperCase() },
      },
      output: { plain: { value: plain }, encoded: { value: encoded } },
    }),
  );
  const run = (...args: string[]) => {
    const result = spawnSync("terraform", args, { cwd: dir, encoding: "utf8", env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" } });
    if (result.status !== 0) throw new Error(`terraform ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };
  run("init", "-input=false", "-backend=false");
  run("apply", "-input=false", "-auto-approve", "-state", join(dir, "state.json"));
  const outputs = JSON.parse(run("output", "-json", "-state", join(dir, "state.json")));
  expect(outputs.plain.value).toBe(renderAsTerraform(plain, SAMPLE_VALUES));
  expect(outputs.encoded.value).toBe(renderAsTerraform(encoded, SAMPLE_VALUES));
  rmSync(dir, { recursive: true });
}, 60_000);
