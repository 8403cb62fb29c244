/**
 * Checks for values the schema accepts but that cannot work once deployed (issue 12): a state
 * bucket the cloud would refuse to name, a destroy allowance the guard would read as a pattern,
 * an image for the other processor architecture. One check group of `validate.ts`; each problem
 * names its field and says what is allowed.
 */
import { isGravitonInstanceType } from "../constructs/aws/instance-group";
import { EnvironmentFile } from "./schema";
import { ACM_PRIMARY_NAME_MAX } from "../constructs/aws/limits";
import { DEFAULT_INSTANCE_TYPES } from "../stacks/aws/sizes";

type Report = (path: string, message: string) => void;

export function checkAccepted(spec: EnvironmentFile, report: Report): void {
  if (spec.aws?.backend?.type === "s3") checkBucketName("aws.backend.bucket", spec.aws.backend.bucket, s3BucketNameProblem, report);
  if (spec.gcp?.backend?.type === "gcs") checkBucketName("gcp.backend.bucket", spec.gcp.backend.bucket, gcsBucketNameProblem, report);
  spec.dataProtection?.allowDestroy?.forEach((entry, index) => {
    const problem = allowDestroyProblem(entry.resource);
    if (problem) report(`dataProtection.allowDestroy[${index}].resource`, problem);
  });
  checkImageArchitecture(spec, report);
  checkCertificatePrimaryName(spec, report);
}

/**
 * ACM takes at most 64 characters for a certificate's first name, which is the domain (wildcard
 * certificate) or the first routed hostname: refuse it here, on the file's field, not in the construct.
 */
function checkCertificatePrimaryName(spec: EnvironmentFile, report: Report): void {
  if (!spec.aws || spec.domain === undefined) return;
  const limit = ACM_PRIMARY_NAME_MAX;
  if (spec.certificate?.wildcard) {
    if (spec.domain.length > limit) report("domain", `is ${spec.domain.length} characters; an ACM certificate's first name allows ${limit} (AWS): use a shorter domain`);
    return;
  }
  for (const [index, service] of spec.services.entries()) {
    const first = service.hostnames?.[0];
    if (first === undefined) continue;
    if (first.length > limit) {
      report(
        `services[${index}].hostnames[0]`,
        `is ${first.length} characters; the first hostname names the ACM certificate, which allows ${limit} (AWS): list a shorter hostname first`,
      );
    }
    return;
  }
}

function checkBucketName(field: string, name: unknown, problemOf: (name: string) => string | undefined, report: Report): void {
  if (typeof name !== "string") return; // the schema reports it
  const problem = problemOf(name);
  if (problem) report(field, `"${name}" ${problem}`);
}

const DOTTED_DECIMAL_IP = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * S3 general purpose bucket naming rules,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html (checked 2026-12-01).
 */
export function s3BucketNameProblem(name: string): string | undefined {
  const allowed = "S3 bucket names are 3–63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit";
  if (name.length < 3 || name.length > 63) return `is ${name.length} characters (${allowed})`;
  if (!/^[a-z0-9.-]+$/.test(name)) return `has characters S3 does not allow (${allowed})`;
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return `must start and end with a letter or digit (${allowed})`;
  if (name.includes("..")) return "has two adjacent dots (S3 does not allow them)";
  if (DOTTED_DECIMAL_IP.test(name)) return "is formatted as an IP address (S3 does not allow it)";
  const prefix = ["xn--", "sthree-", "amzn-s3-demo-"].find((reserved) => name.startsWith(reserved));
  if (prefix) return `starts with "${prefix}" (reserved by S3)`;
  const suffix = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].find((reserved) => name.endsWith(reserved));
  if (suffix) return `ends with "${suffix}" (reserved by S3)`;
  return undefined;
}

/**
 * Cloud Storage bucket name requirements, https://cloud.google.com/storage/docs/buckets#naming
 * (https://cloud.google.com/storage/docs/naming-buckets, checked 2026-12-01).
 */
export function gcsBucketNameProblem(name: string): string | undefined {
  const allowed = "Cloud Storage bucket names are 3–63 lower-case letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  if (!/^[a-z0-9._-]+$/.test(name)) return `has characters Cloud Storage does not allow (${allowed})`;
  if (!/^[a-z0-9](.*[a-z0-9])?$/.test(name)) return `must start and end with a letter or digit (${allowed})`;
  const components = name.split(".");
  if (name.length < 3 || name.length > (components.length > 1 ? 222 : 63)) {
    return `is ${name.length} characters (${allowed}; up to 222 with dots)`;
  }
  if (components.some((component) => component.length === 0 || component.length > 63)) {
    return "has a dot-separated part that is empty or longer than 63 characters (Cloud Storage allows 1–63 between dots)";
  }
  if (DOTTED_DECIMAL_IP.test(name)) return "is formatted as an IP address (Cloud Storage does not allow it)";
  if (name.startsWith("goog")) return `starts with "goog" (reserved by Cloud Storage)`;
  if (/g[o0][o0]gle/.test(name)) return `contains "google" or a misspelling of it (reserved by Cloud Storage)`;
  return undefined;
}

/** `module.<name>[<key>].` … `<type>.<name>[<key>]`: one managed resource, as Terraform prints it. */
const TERRAFORM_ADDRESS = /^(module\.[A-Za-z_][A-Za-z0-9_-]*(\[(\d+|"[^"]*")\])?\.)*[a-z][a-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_-]*(\[(\d+|"[^"]*")\])?$/;
const ALLOWED_ADDRESS = "one resource's Terraform address as the guard prints it, e.g. aws_db_instance.database_instance_D7FC2283 or module.data.google_sql_database_instance.main";

/**
 * An environment file's destroy allowance stays in force for every later plan, so it names one
 * resource: a wildcard or a bare type would keep allowing whatever comes to match it.
 */
export function allowDestroyProblem(resource: unknown): string | undefined {
  if (typeof resource !== "string") return undefined; // the schema reports it
  if (resource.trim() === "*") return `"*" would allow destroying every stateful resource (${ALLOWED_ADDRESS})`;
  if (/[*?]/.test(resource)) return `"${resource}" contains a wildcard (${ALLOWED_ADDRESS})`;
  if (!TERRAFORM_ADDRESS.test(resource)) return `"${resource}" is not a Terraform address (${ALLOWED_ADDRESS})`;
  return undefined;
}

/** The EC2 types of the cloud-neutral sizes when `aws.instanceTypes` leaves one out: the mapping's own table. */
export { DEFAULT_INSTANCE_TYPES as DEFAULT_AWS_INSTANCE_TYPES };

const ARCHITECTURE_WORDS: { word: string; arm64: boolean }[] = [
  { word: "arm64", arm64: true },
  { word: "aarch64", arm64: true },
  { word: "x86_64", arm64: false },
  { word: "amd64", arm64: false },
];

/** `aws.imageSsmParameter` naming one architecture while a size the services use is the other. */
function checkImageArchitecture(spec: EnvironmentFile, report: Report): void {
  const parameter = spec.aws?.imageSsmParameter;
  if (typeof parameter !== "string") return;
  const named = ARCHITECTURE_WORDS.filter(({ word }) => parameter.includes(word));
  if (named.length === 0 || named.some(({ arm64 }) => arm64 !== named[0].arm64)) return; // names none, or both
  const { word, arm64 } = named[0];
  const sizes = [...new Set(spec.services.map((service) => service.size ?? "small"))];
  for (const size of sizes) {
    const instanceType = spec.aws?.instanceTypes?.[size] ?? DEFAULT_INSTANCE_TYPES[size];
    if (typeof instanceType !== "string" || isGravitonInstanceType(instanceType) === arm64) continue;
    report(
      "aws.imageSsmParameter",
      `names ${word} but aws.instanceTypes.${size} (${instanceType}) is ${arm64 ? "x86_64" : "arm64"} (they must match)`,
    );
  }
}
