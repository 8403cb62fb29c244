/** Remote state per environment, from config: the synthesized backend blocks. */
import { parse, stringify } from "yaml";
import * as fs from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { addEnvironmentStacks } from "../../stacks/app";
import { parseEnvironment } from "../../environment/load";
import { EXAMPLE_CONFIG_DIR } from "../support/example-stacks";

/** Synthesizes the prod example after `mutate` edits it; returns the stack JSONs by id. */
function synthProdWith(mutate: (spec: any) => void): Record<string, any> {
  const spec = parse(fs.readFileSync(path.join(EXAMPLE_CONFIG_DIR, "prod.yaml"), "utf8"));
  mutate(spec);
  const result = parseEnvironment("prod", "config/prod.yaml", stringify(spec));
  if (!("environment" in result)) throw new Error(JSON.stringify(result.problems));
  const app = Testing.app();
  const ids = addEnvironmentStacks(app, [result.environment]);
  return Object.fromEntries(ids.map((id) => [id, JSON.parse(Testing.synth(app.node.findChild(id) as any))]));
}

test("S3 without a lock table: encrypted, keyed per stack, S3-native lockfile", () => {
  const stacks = synthProdWith((spec) => (spec.aws.backend = { type: "s3", bucket: "acme-tf-state" }));
  expect(stacks["aws-prod"].terraform.backend).toEqual({
    s3: { bucket: "acme-tf-state", key: "web/aws-prod.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true },
  });
});

test("S3 with a DynamoDB lock table, explicit key and region", () => {
  const stacks = synthProdWith(
    (spec) =>
      (spec.aws.backend = { type: "s3", bucket: "acme-tf-state", key: "prod/web.tfstate", region: "us-east-1", dynamodbTable: "tf-locks" }),
  );
  expect(stacks["aws-prod"].terraform.backend).toEqual({
    s3: { bucket: "acme-tf-state", key: "prod/web.tfstate", region: "us-east-1", encrypt: true, dynamodb_table: "tf-locks" },
  });
});

test("GCS: bucket and a prefix per stack (GCS locks natively)", () => {
  const stacks = synthProdWith((spec) => (spec.gcp.backend = { type: "gcs", bucket: "acme-tf-state" }));
  expect(stacks["gcp-prod"].terraform.backend).toEqual({ gcs: { bucket: "acme-tf-state", prefix: "web/gcp-prod" } });
  // The AWS stack of the same environment keeps its own (local) backend.
  expect(stacks["aws-prod"].terraform.backend).toEqual({ local: { path: "../../../terraform.aws-prod.tfstate" } });
});

test("local is the default, one state file per stack at the project root (outside the regenerated cdktf.out)", () => {
  const stacks = synthProdWith(() => undefined);
  expect(stacks["aws-prod"].terraform.backend).toEqual({ local: { path: "../../../terraform.aws-prod.tfstate" } });
  expect(stacks["gcp-prod"].terraform.backend).toEqual({ local: { path: "../../../terraform.gcp-prod.tfstate" } });
});
