import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { addEnvironmentStacks } from "../../stacks/app";
import { synthesizeStackJson } from "../../stacks/synthesize";
import { exampleEnvironments } from "../support/example-stacks";

function withoutMetadata(value: any): any {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== "//").map(([key, item]) => [key, withoutMetadata(item)]));
}

const environments = exampleEnvironments();
const synthesized = synthesizeStackJson(environments);

test("one entry per environment and cloud section, in the order the app adds them", () => {
  expect(Object.keys(synthesized)).toEqual(["aws-dev", "gcp-dev", "aws-prod", "gcp-prod"]);
});

test("the JSON `cdktf synth` writes, without cdktf's metadata", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "synthesize-test-"));
  try {
    const app = new App({ outdir, stackTraces: false });
    addEnvironmentStacks(app, environments);
    app.synth();
    for (const [id, json] of Object.entries(synthesized)) {
      const written = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", id, "cdk.tf.json"), "utf8"));
      expect(json).toEqual(withoutMetadata(written));
      expect(JSON.stringify(json)).not.toContain('"//"');
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

test("an environment without a gcp section has no gcp stack, and no output directory is left behind", () => {
  const leftovers = () => fs.readdirSync(os.tmpdir()).filter((entry) => entry.startsWith("synthesize-") && !entry.startsWith("synthesize-test-"));
  const before = leftovers();
  expect(Object.keys(synthesizeStackJson([{ ...environments[0], gcp: undefined }]))).toEqual(["aws-dev"]);
  expect(leftovers()).toEqual(before);
});
