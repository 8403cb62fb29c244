import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { ConfigError } from "../../lib/errors";
import { loadEnvironments, parseEnvironment } from "../../environment/load";

const CONFIG_DIR = path.join(__dirname, "..", "..", "config");
const prodText = fs.readFileSync(path.join(CONFIG_DIR, "prod.yaml"), "utf8");

/** Problems reported for config/prod.yaml after `mutate` edits its parsed content. */
function problemsAfter(mutate: (spec: any) => void, name = "prod"): string[] {
  const spec = parse(prodText);
  mutate(spec);
  const result = parseEnvironment(name, "config/prod.yaml", stringify(spec));
  if (!("problems" in result)) return [];
  return result.problems.map((problem) => `config/prod.yaml: ${problem.path}: ${problem.message}`);
}

describe("the example environments", () => {
  test("load and carry their defaults", () => {
    const environments = loadEnvironments(CONFIG_DIR);
    expect(environments.map((environment) => environment.name)).toEqual(["dev", "prod"]);
    const dev = environments[0];
    expect(dev.file).toBe(path.join(CONFIG_DIR, "dev.yaml"));
    expect(dev.services[2]).toMatchObject({ name: "config", size: "small", cpuTargetPercent: 60 });
    expect(dev.services[2].healthCheck).toEqual({
      path: "/health",
      intervalSeconds: 15,
      timeoutSeconds: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
      matcher: "200",
    });
    expect(dev.aws?.backend).toEqual({ type: "local" });
  });
});

describe("a broken environment file is refused with one line per problem", () => {
  test.each<[string, (spec: any) => void, string]>([
    [
      "an invalid VPC CIDR",
      (spec) => (spec.aws.network.cidr = "172.31.0.0/33"),
      "config/prod.yaml: aws.network.cidr: 172.31.0.0/33 is not a valid CIDR (expected a.b.c.d/n with n between 0 and 32)",
    ],
    [
      "host bits set in a CIDR",
      (spec) => (spec.aws.network.cidr = "10.20.0.1/16"),
      "config/prod.yaml: aws.network.cidr: 10.20.0.1/16 is not a valid CIDR: host bits are set (did you mean 10.20.0.0/16?)",
    ],
    [
      "a public VPC range",
      (spec) => {
        spec.aws.network.cidr = "8.8.0.0/16";
        delete spec.aws.network.subnets;
      },
      "config/prod.yaml: aws.network.cidr: 8.8.0.0/16 is not a private range (use 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, RFC 1918)",
    ],
    [
      "a VPC mask outside /16–/28",
      (spec) => {
        spec.aws.network.cidr = "10.0.0.0/8";
        delete spec.aws.network.subnets;
      },
      "config/prod.yaml: aws.network.cidr: 10.0.0.0/8: the network mask must be between /16 and /28",
    ],
    [
      "a subnet outside the VPC",
      (spec) => (spec.aws.network.subnets.database[1] = "10.30.65.0/24"),
      "config/prod.yaml: aws.network.subnets.database[1]: 10.30.65.0/24 is outside the VPC 10.20.0.0/16",
    ],
    [
      "overlapping subnets",
      (spec) => (spec.aws.network.subnets.database[2] = "10.20.2.0/24"),
      "config/prod.yaml: aws.network.subnets.database[2]: 10.20.2.0/24 overlaps aws.network.subnets.public[2] (10.20.2.0/24)",
    ],
    [
      "fewer subnets than zones",
      (spec) => spec.aws.network.subnets.private.pop(),
      "config/prod.yaml: aws.network.subnets.private: lists 2 subnets for 3 availability zones (give exactly one per zone)",
    ],
    [
      "a zone of another region",
      (spec) => (spec.aws.availabilityZones[2] = "us-east-1c"),
      "config/prod.yaml: aws.availabilityZones[2]: us-east-1c is not a zone of eu-west-1 (e.g. eu-west-1a)",
    ],
    [
      "a GCP zone of another region",
      (spec) => (spec.gcp.zones[0] = "us-central1-a"),
      "config/prod.yaml: gcp.zones[0]: us-central1-a is not a zone of europe-west1 (e.g. europe-west1-b)",
    ],
    [
      "a private service access range overlapping the GCP subnet",
      (spec) => (spec.gcp.network.privateServiceAccessCidr = "10.50.0.0/16"),
      "config/prod.yaml: gcp.network.privateServiceAccessCidr: 10.50.0.0/16 overlaps gcp.network.subnetCidr (10.50.0.0/20)",
    ],
    [
      "a private service access range smaller than /24",
      (spec) => (spec.gcp.network.privateServiceAccessCidr = "10.51.0.0/25"),
      "config/prod.yaml: gcp.network.privateServiceAccessCidr: 10.51.0.0/25: the private service access range must be between /16 and /24",
    ],
    [
      "a GCP project id that is not one",
      (spec) => (spec.gcp.project = "My Project"),
      "config/prod.yaml: gcp.project: must be a Google Cloud project id (6–30 chars, a-z, 0-9, -)",
    ],
    [
      "a remote backend of the wrong cloud",
      (spec) => (spec.gcp.backend = { type: "s3", bucket: "state" }),
      "config/prod.yaml: gcp.backend.type: must be {type: local} or {type: gcs, bucket: …}",
    ],
    [
      "min greater than max",
      (spec) => (spec.services[1].capacity = { min: 5, max: 4 }),
      "config/prod.yaml: services[1].capacity.min: min (5) is greater than max (4) (min ≤ desired ≤ max)",
    ],
    [
      "desired outside [min, max]",
      (spec) => (spec.services[0].capacity.desired = 9),
      "config/prod.yaml: services[0].capacity.desired: 9 is outside [min, max] = [2, 6]",
    ],
    [
      "a hostname outside the domain",
      (spec) => (spec.services[1].hostnames = ["chat.example.org"]),
      "config/prod.yaml: services[1].hostnames[0]: chat.example.org is outside the DNS zone example.com (use a name ending in .example.com)",
    ],
    [
      "a hostname routed to two services",
      (spec) => (spec.services[1].hostnames = ["api.example.com"]),
      'config/prod.yaml: services[1].hostnames[0]: api.example.com is already routed to service "api" (each host and path goes to exactly one service)',
    ],
    [
      "a duplicate service name",
      (spec) => (spec.services[2].name = "api"),
      'config/prod.yaml: services[2].name: "api" is already used by services[0] (service names must be unique)',
    ],
    [
      "a health-check path without a leading slash",
      (spec) => (spec.services[1].healthCheck.path = "actuator/health"),
      'config/prod.yaml: services[1].healthCheck.path: "actuator/health" must start with "/" (e.g. /health)',
    ],
    [
      "a port out of range",
      (spec) => (spec.services[2].port = 70000),
      "config/prod.yaml: services[2].port: must be a port between 1 and 65535",
    ],
    [
      "an unsupported database version",
      (spec) => (spec.database.version = "5.7"),
      "config/prod.yaml: database.version: mysql 5.7 is not supported (mysql supports 8.0, 8.4)",
    ],
    [
      "a typo (unknown field)",
      (spec) => (spec.aws.network.flowLogz = spec.aws.network.flowLogs),
      "config/prod.yaml: aws.network.flowLogz: unknown field (allowed here: cidr, existing, subnets, nat, flowLogs)",
    ],
    [
      "a missing required field",
      (spec) => delete spec.project,
      "config/prod.yaml: project: is required (expected string)",
    ],
  ])("%s", (_what, mutate, expected) => {
    expect(problemsAfter(mutate)).toContain(expected);
  });

  test("names that exceed AWS limits after prefixing", () => {
    const problems = problemsAfter((spec) => (spec.services[0].name = "public-api-gateway"), "production");
    expect(problems).toEqual([
      'config/prod.yaml: services[0].name: target group name "web-production-public-api-gateway-3000" is 38 characters (AWS allows 32; shorten the service name, project or environment)',
    ]);
  });

  test("every problem of a file is reported at once", () => {
    const problems = problemsAfter((spec) => {
      spec.services[0].capacity = { min: 3, max: 2 };
      spec.services[1].hostnames = ["chat.example.org"];
      spec.aws.network.subnets.database[1] = "10.30.65.0/24";
    });
    expect(problems).toHaveLength(3);
  });

  test("shape and cross-field problems are reported together", () => {
    const problems = problemsAfter((spec) => {
      spec.services[2].port = 70000; // schema
      spec.aws.network.subnets.database[1] = "10.30.65.0/24"; // cross-field
      spec.aws.network.flowLogz = true; // typo
    });
    expect(problems).toEqual([
      "config/prod.yaml: services[2].port: must be a port between 1 and 65535",
      "config/prod.yaml: aws.network.flowLogz: unknown field (allowed here: cidr, existing, subnets, nat, flowLogs)",
      "config/prod.yaml: aws.network.subnets.database[1]: 10.30.65.0/24 is outside the VPC 10.20.0.0/16",
    ]);
  });

  test("an environment name that cannot prefix resource names", () => {
    expect(problemsAfter(() => undefined, "Prod_1")).toEqual([
      'config/prod.yaml: (file name): environment name "Prod_1" must match /^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/ (rename the file, e.g. prod.yaml)',
    ]);
  });

  test("a policy suppression or destroy allowance needs a written reason", () => {
    const problems = problemsAfter((spec) => {
      spec.policy = { suppressions: [{ rule: "AWS-EC2-IMDSV2", resource: "service-api/launch-template", reason: "" }] };
      spec.dataProtection = { allowDestroy: [{ resource: "aws_db_instance.database_instance_D7FC2283" }] };
    });
    expect(problems).toEqual([
      "config/prod.yaml: policy.suppressions[0].reason: write down why (at least 10 characters); it is printed in every report",
      "config/prod.yaml: dataProtection.allowDestroy[0].reason: is required (expected string)",
    ]);
  });

  test("invalid YAML names the line", () => {
    const result = parseEnvironment("prod", "config/prod.yaml", "project: web\nproject: again\n");
    expect(result).toEqual({ problems: [expect.objectContaining({ path: "line 2", message: expect.stringMatching(/^invalid YAML: .*unique/i) })] });
  });

  test("loadEnvironments collects the problems of every file into one ConfigError", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-"));
    fs.writeFileSync(path.join(dir, "a.yaml"), prodText.replace("cidr: 10.20.0.0/16", "cidr: 10.20.0.0/33"));
    fs.writeFileSync(path.join(dir, "b.yaml"), prodText.replace("port: 8888", "port: 0"));
    let error: unknown;
    try {
      loadEnvironments(dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).lines).toEqual([
      `${path.join(dir, "a.yaml")}: aws.network.cidr: 10.20.0.0/33 is not a valid CIDR (expected a.b.c.d/n with n between 0 and 32)`,
      `${path.join(dir, "b.yaml")}: services[2].port: must be a port between 1 and 65535`,
    ]);
  });
});
