/** Issue 12: values each file's schema accepts but that are wrong, refused with one line naming file and field. */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { EnvironmentSpec, environmentSchema } from "../../environment/schema";
import { validateEnvironment } from "../../environment/validate";
import { DEFAULT_AWS_INSTANCE_TYPES } from "../../environment/validate-accepted";
import { checkAcrossFiles, stateObjects } from "../../environment/validate-across";
import { awsStackProps } from "../../stacks/aws/props";
import { gcpStackProps } from "../../stacks/gcp/props";

const PROD = parse(fs.readFileSync(path.join(__dirname, "..", "..", "config", "prod.yaml"), "utf8"));

/** config/prod.yaml edited by `mutate`, validated as environment `name` of `file`. */
function environment(mutate: (spec: any) => void = () => undefined, name = "prod", file = `config/${name}.yaml`): EnvironmentSpec {
  const spec = structuredClone(PROD);
  mutate(spec);
  const parsed = environmentSchema.parse(spec);
  const problems = validateEnvironment(name, parsed);
  if (problems.length > 0) throw new Error(problems.map((problem) => `${problem.path}: ${problem.message}`).join("\n"));
  return { ...parsed, name, file, notices: [] };
}

/** The lines validate.ts reports for config/prod.yaml after `mutate`. */
function problems(mutate: (spec: any) => void): string[] {
  const spec = structuredClone(PROD);
  mutate(spec);
  return validateEnvironment("prod", environmentSchema.parse(spec)).map((problem) => `config/prod.yaml: ${problem.path}: ${problem.message}`);
}

const s3 = (bucket: string, key?: string) => (spec: any) => (spec.aws.backend = { type: "s3", bucket, ...(key ? { key } : {}) });
const gcs = (bucket: string, prefix?: string) => (spec: any) => (spec.gcp.backend = { type: "gcs", bucket, ...(prefix ? { prefix } : {}) });

describe("across files", () => {
  test("the examples and stacks of one bucket with the default keys share nothing", () => {
    const both = (spec: any) => {
      s3("acme-terraform-state")(spec);
      gcs("acme-terraform-state")(spec);
    };
    expect(checkAcrossFiles([environment(both, "dev"), environment(both, "prod")])).toEqual([]);
  });

  test("two files writing the same S3 object", () => {
    const same = s3("acme-terraform-state", "web/state.tfstate");
    expect(checkAcrossFiles([environment(same, "dev"), environment(same, "prod")])).toEqual([
      'config/prod.yaml: aws.backend.key: "acme-terraform-state/web/state.tfstate" is also the state of config/dev.yaml (each stack needs its own state object)',
    ]);
  });

  test("an explicit S3 key equal to another file's default key", () => {
    const dev = environment(s3("acme-terraform-state"), "dev");
    const prod = environment(s3("acme-terraform-state", "web/aws-dev.tfstate"), "prod");
    expect(checkAcrossFiles([dev, prod])).toEqual([
      'config/prod.yaml: aws.backend.key: "acme-terraform-state/web/aws-dev.tfstate" is also the state of config/dev.yaml (each stack needs its own state object)',
    ]);
  });

  test("two files writing the same GCS prefix (the backend's slashes do not tell them apart)", () => {
    const dev = environment(gcs("acme-terraform-state", "web/shared"), "dev");
    const prod = environment(gcs("acme-terraform-state", "/web/shared/"), "prod");
    expect(checkAcrossFiles([dev, prod])).toEqual([
      'config/prod.yaml: gcp.backend.prefix: "acme-terraform-state//web/shared/" is also the state of config/dev.yaml (each stack needs its own state object)',
    ]);
  });

  test("two environments whose resource names collide", () => {
    const a = environment((spec) => (spec.project = "web-dev"), "x");
    const b = environment((spec) => (spec.project = "web"), "dev-x");
    expect(checkAcrossFiles([a, b])).toEqual([
      'config/dev-x.yaml: project: "web" with environment "dev-x" names resources "web-dev-x-…", as config/x.yaml does (project "web-dev", environment "x") (each environment needs its own prefix: change project or rename a file)',
    ]);
  });

  test("the defaults are the ones the stacks apply", () => {
    const dev = environment((spec) => {
      s3("acme-terraform-state")(spec);
      gcs("acme-terraform-state")(spec);
    }, "dev");
    const aws: any = awsStackProps(dev, "aws-dev").backend;
    const gcp: any = gcpStackProps(dev, "gcp-dev").backend;
    expect(stateObjects(dev).map((state) => state.shown)).toEqual([`${aws.s3.bucket}/${aws.s3.key}`, `${gcp.gcs.bucket}/${gcp.gcs.prefix}`]);

    const sized = environment((spec) => {
      delete spec.aws.instanceTypes;
      spec.services = (["small", "medium", "large"] as const).map((size, index) => ({ ...spec.services[index], size }));
    });
    expect(awsStackProps(sized, "aws-prod").services.map((service: any) => service.instanceGroup.instanceType)).toEqual(Object.values(DEFAULT_AWS_INSTANCE_TYPES));
  });
});

describe("in one file", () => {
  const S3_NAMES = "S3 bucket names are 3–63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit";
  const GCS_NAMES = "Cloud Storage bucket names are 3–63 lower-case letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  test.each<["aws" | "gcp", string, string]>([
    ["aws", "Acme_State", `has characters S3 does not allow (${S3_NAMES})`],
    ["aws", "-acme-state", `must start and end with a letter or digit (${S3_NAMES})`],
    ["aws", "a".repeat(64), `is 64 characters (${S3_NAMES})`],
    ["aws", "acme..state", "has two adjacent dots (S3 does not allow them)"],
    ["aws", "192.168.5.4", "is formatted as an IP address (S3 does not allow it)"],
    ["aws", "xn--acme-state", 'starts with "xn--" (reserved by S3)'],
    ["aws", "acme-state-s3alias", 'ends with "-s3alias" (reserved by S3)'],
    ["gcp", "Acme-State", `has characters Cloud Storage does not allow (${GCS_NAMES})`],
    ["gcp", "acme-state_", `must start and end with a letter or digit (${GCS_NAMES})`],
    ["gcp", "192.168.5.4", "is formatted as an IP address (Cloud Storage does not allow it)"],
    ["gcp", "goog-state", 'starts with "goog" (reserved by Cloud Storage)'],
    ["gcp", "acme-g00gle-state", 'contains "google" or a misspelling of it (reserved by Cloud Storage)'],
    ["gcp", "acme..state", "has a dot-separated part that is empty or longer than 63 characters (Cloud Storage allows 1–63 between dots)"],
  ])("a %s state bucket %s", (cloud, bucket, problem) => {
    expect(problems(cloud === "aws" ? s3(bucket) : gcs(bucket))).toEqual([`config/prod.yaml: ${cloud}.backend.bucket: "${bucket}" ${problem}`]);
  });

  test("valid bucket names pass", () => {
    expect(problems((spec) => {
      s3("acme.terraform-state.1")(spec);
      gcs("acme_terraform.state")(spec);
    })).toEqual([]);
  });

  const ALLOWED = "one resource's Terraform address as the guard prints it, e.g. aws_db_instance.database_instance_D7FC2283 or module.data.google_sql_database_instance.main";
  test.each<[string, string]>([
    ["*", `"*" would allow destroying every stateful resource (${ALLOWED})`],
    ["aws_db_instance.*", `"aws_db_instance.*" contains a wildcard (${ALLOWED})`],
    ["aws_db_instance", `"aws_db_instance" is not a Terraform address (${ALLOWED})`],
    ["database/instance", `"database/instance" is not a Terraform address (${ALLOWED})`],
  ])("allowDestroy of %s", (resource, message) => {
    expect(problems((spec) => (spec.dataProtection = { allowDestroy: [{ resource, reason: "the database moves to another account" }] }))).toEqual([
      `config/prod.yaml: dataProtection.allowDestroy[0].resource: ${message}`,
    ]);
  });

  test("allowDestroy of single resources by address passes", () => {
    const reason = "the database moves to another account";
    const resources = ["aws_db_instance.database_instance_D7FC2283", "module.data.google_sql_database_instance.main", 'module.db["eu"].aws_s3_bucket.state[0]'];
    expect(problems((spec) => (spec.dataProtection = { allowDestroy: resources.map((resource) => ({ resource, reason })) }))).toEqual([]);
  });

  test("an arm64 image for the x86_64 sizes the services use", () => {
    // prod.yaml's services use medium and small (the default); neither is set for AWS, so both are t3.
    expect(problems((spec) => (spec.aws.imageSsmParameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"))).toEqual([
      "config/prod.yaml: aws.imageSsmParameter: names arm64 but aws.instanceTypes.medium (t3.medium) is x86_64 (they must match)",
      "config/prod.yaml: aws.imageSsmParameter: names arm64 but aws.instanceTypes.small (t3.small) is x86_64 (they must match)",
    ]);
  });

  test("an x86_64 image for a Graviton size", () => {
    expect(problems((spec) => {
      spec.aws.imageSsmParameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
      spec.aws.instanceTypes = { small: "t3.small", medium: "m7g.medium" };
    })).toEqual(["config/prod.yaml: aws.imageSsmParameter: names x86_64 but aws.instanceTypes.medium (m7g.medium) is arm64 (they must match)"]);
  });

  test("only the sizes the services use must match the image", () => {
    expect(problems((spec) => {
      spec.aws.imageSsmParameter = "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id";
      spec.aws.instanceTypes = { small: "t4g.small", medium: "c7gn.medium", large: "t3.large" };
    })).toEqual([]);
  });
});
