/** What runs on the instances: image or script, the container's env, canaries, boot size limits. */
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { parseEnvironment } from "../../environment/load";
import { canaryInstances } from "../../environment/validate-release";

const PROD = parse(fs.readFileSync(path.join(__dirname, "..", "..", "config", "prod.yaml"), "utf8"));

function problems(mutate: (spec: any) => void, clouds: ("aws" | "gcp")[] = ["aws", "gcp"]): string[] {
  const spec = structuredClone(PROD);
  for (const cloud of ["aws", "gcp"] as const) if (!clouds.includes(cloud)) delete spec[cloud];
  mutate(spec);
  const result = parseEnvironment("prod", "config/prod.yaml", stringify(spec));
  return "problems" in result ? result.problems.map((problem) => `${problem.path}: ${problem.message}`) : [];
}

test("a canary's instances are its percentage of the stable minimum, rounded up", () => {
  expect([canaryInstances(2, 20), canaryInstances(10, 20), canaryInstances(10, 25), canaryInstances(0, 10)]).toEqual([1, 2, 3, 1]);
});

test.each<[string, (spec: any) => void, string[]]>([
  ["an image and a start-up script", (spec) => (spec.services[0].startupScript = "#!/bin/sh\n"), [
    "services[0].startupScript: a service with image runs the generated boot script (put the setup into the image, or drop image)",
  ]],
  ["env without image", (spec) => delete spec.services[0].image, [
    "services[0].env: is the container's environment: set image too (a startupScript can export its own variables)",
  ]],
  ["a variable the stack sets", (spec) => (spec.services[0].env.DATABASE_HOST = "db.example.com"), [
    "services[0].env.DATABASE_HOST: is set by the stack (reserved: PORT, CLOUD_PROVIDER, CLOUD_REGION, DATABASE_ENGINE, DATABASE_HOST, DATABASE_PORT, DATABASE_NAME, DATABASE_USER, DATABASE_SECRET_ID)",
  ]],
  ["an image that is not a reference", (spec) => (spec.services[0].image = "Traefik/WhoAmI latest"), [
    "services[0].image: must be a container image such as ghcr.io/org/app:1.4.2 or …@sha256:<64 hex>",
  ]],
  ["a canary of the stable image", (spec) => (spec.services[0].release = { strategy: "canary", canary: { image: spec.services[0].image, percent: 10 } }), [
    "services[0].release.canary.image: is the stable image (promote by replacing image and removing release)",
  ]],
  ["a canary that would be the whole group", (spec) => {
    spec.services[0].capacity = { min: 1, max: 2 };
    spec.services[0].release = { strategy: "canary", canary: { image: "traefik/whoami:v1.11.0", percent: 10 } };
  }, ["services[0].release.canary.percent: 10% of capacity.min 1 rounds up to the whole group (raise capacity.min to 2 or more)"]],
  ["a canary taking the larger share", (spec) => (spec.services[0].release = { strategy: "canary", canary: { image: "traefik/whoami:v1.11.0", percent: 60 } }), [
    "services[0].release.canary.percent: must be 1 to 50 (a canary is the smaller share)",
  ]],
])("refused: %s", (_what, mutate, expected) => {
  expect(problems(mutate, ["aws"])).toEqual(expected);
});

test("a start-up script over a cloud's boot-time limit is refused by name for that cloud", () => {
  const big = (spec: any) => {
    delete spec.services[0].image;
    delete spec.services[0].env;
    spec.services[0].startupScript = `#!/bin/sh\n${"x".repeat(20000)}\n`;
  };
  expect(problems(big, ["aws"])).toEqual([
    "services[0].startupScript: is 20011 bytes; EC2 user data allows 16384 (AWS): fetch a larger script at boot instead",
  ]);
  expect(problems(big, ["gcp"])).toEqual([]);
  const huge = (spec: any) => {
    big(spec);
    spec.services[0].startupScript = `#!/bin/sh\n${"x".repeat(300000)}\n`;
  };
  expect(problems(huge, ["gcp"])).toEqual([
    "services[0].startupScript: is 300011 bytes; a GCE metadata value allows 262144 (GCP): fetch a larger script at boot instead",
  ]);
});

test("a storage ceiling AWS cannot autoscale to is refused with the file's field names", () => {
  const equal = (spec: any) => (spec.database.maxStorageGb = spec.database.storageGb);
  expect(problems(equal, ["aws"])).toEqual([
    "database.maxStorageGb: 50 is too close to storageGb (50) (AWS needs the autoscaling ceiling at least 10% above the initial size: 55 or more)",
  ]);
  expect(problems(equal, ["gcp"])).toEqual([]);
});

test("a first hostname longer than ACM's 64-character first name is refused on the file's field (AWS only)", () => {
  const long = `${"a".repeat(60)}.example.com`;
  const change = (spec: any) => (spec.services[0].hostnames = [long, "www.example.com"]);
  expect(problems(change, ["aws"])).toEqual([
    "services[0].hostnames[0]: is 72 characters; the first hostname names the ACM certificate, which allows 64 (AWS): list a shorter hostname first",
  ]);
  expect(problems(change, ["gcp"])).toEqual([]);
});
