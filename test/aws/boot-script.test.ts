import { Fn } from "cdktf";
import { readFileSync } from "fs";
import { join } from "path";
import { awsContainerBootScript } from "../../constructs/aws/boot-script";
import { ContainerLaunch, ecrRegistry } from "../../lib/container-boot";
import { bootSucceeds, ECR_PASSWORD, INSTANCE_ID, renderAsTerraform, runBootScript, RunOptions, SAMPLE_VALUES, SampleTokens, synthesizeValue } from "../support/stub-bin";

const ECR_IMAGE = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/team/api:1.4.2";
const OPTIONS = { region: "eu-west-1", logGroupName: "/web/dev/api" };

function launch(tokens: SampleTokens, overrides: Partial<ContainerLaunch> = {}): ContainerLaunch {
  return {
    name: "api",
    image: ECR_IMAGE,
    port: 8080,
    env: { PORT: "8080", DATABASE_HOST: tokens.dbHost, DATABASE_SECRET_ID: tokens.secretId, CLOUD_REGION: tokens.region, SHELLISH: "${HOME}", DIRECTIVE: "%{x}", ESCAPED: "$${x}", QUOTES: `it's "quoted" \\ $(id)` },
    ...overrides,
  };
}

/** The user data an instance receives: synthesized as the launch template would, then applied by "Terraform". */
function userData(overrides: Partial<ContainerLaunch> = {}, options = OPTIONS): string {
  const raw = synthesizeValue((tokens) => Fn.base64encode(awsContainerBootScript(launch(tokens, overrides), options)));
  return Buffer.from(renderAsTerraform(raw, SAMPLE_VALUES), "base64").toString("utf8");
}

function boot(overrides: Partial<ContainerLaunch> = {}, run: RunOptions = {}) {
  return bootSucceeds(userData(overrides), run);
}

describe("awsContainerBootScript", () => {
  it("runs the container: restart always, the port published, the env file, awslogs to the group with the instance id as stream", () => {
    const result = boot();
    const run = result.callsOf("docker").find((call) => call[0] === "run")!;
    expect(run).toEqual([
      "run", "--detach", "--name", "api", "--restart", "always", "--publish", "8080:8080", "--env-file", join(result.stateDir, "api.env"),
      "--log-driver", "awslogs", "--log-opt", "awslogs-region=eu-west-1", "--log-opt", "awslogs-group=/web/dev/api", "--log-opt", `awslogs-stream=${INSTANCE_ID}`,
      ECR_IMAGE,
    ]);
    expect(result.calls[result.calls.length - 1][1]).toBe("run");
  });

  it("writes the env as given: references filled in by Terraform, everything else unexpanded", () => {
    const result = boot();
    expect(readFileSync(join(result.stateDir, "api.env"), "utf8")).toBe(
      [
        "PORT=8080",
        `DATABASE_HOST=${SAMPLE_VALUES["var.db_host"]}`,
        `DATABASE_SECRET_ID=${SAMPLE_VALUES["var.secret_id"]}`,
        `CLOUD_REGION=${SAMPLE_VALUES["lower(var.region)"]}`,
        "SHELLISH=${HOME}",
        "DIRECTIVE=%{x}",
        "ESCAPED=$${x}",
        `QUOTES=it's "quoted" \\ $(id)`,
        "",
      ].join("\n"),
    );
  });

  it("logs in to the image's ECR registry in the registry's region, with IMDSv2 for the instance id", () => {
    const result = boot();
    expect(result.callsOf("aws")).toEqual([["ecr", "get-login-password", "--region", "eu-central-1"]]);
    expect(result.callsOf("docker")).toContainEqual(["login", "--username", "AWS", "--password-stdin", "123456789012.dkr.ecr.eu-central-1.amazonaws.com"]);
    expect(result.callsOf("login-stdin")).toEqual([[ECR_PASSWORD]]);
    const curl = result.callsOf("curl").map((call) => call.join(" "));
    expect(curl[0]).toMatch(/-X PUT -H X-aws-ec2-metadata-token-ttl-seconds: 300 http:\/\/169\.254\.169\.254\/latest\/api\/token$/);
    expect(curl[1]).toContain("-H X-aws-ec2-metadata-token: imds-token http://169.254.169.254/latest/meta-data/instance-id");
    expect(result.callsOf("systemctl")).toEqual([["enable", "--now", "docker.service"]]);
  });

  it("installs the AWS CLI only when the AMI has none", () => {
    expect(boot().callsOf("dnf")).toEqual([]);
    const without = boot({}, { without: ["aws"] });
    expect(without.callsOf("dnf")).toEqual([["install", "-y", "awscli-2"]]);
  });

  it("does not log in for a public image", () => {
    const result = boot({ image: "ghcr.io/org/app:1.4.2" });
    expect(result.callsOf("aws")).toEqual([]);
    expect(result.callsOf("docker").filter((call) => call[0] === "login")).toEqual([]);
    expect(result.callsOf("docker")).toContainEqual(["pull", "ghcr.io/org/app:1.4.2"]);
  });

  it("retries a failing pull", () => {
    const result = boot({}, { pullFailures: 2 });
    expect(result.callsOf("docker").filter((call) => call[0] === "pull")).toHaveLength(3);
    expect(result.callsOf("sleep")).toEqual([["5"], ["10"]]);
    expect(result.stderr).toContain("attempt 1 failed");
  });

  it("fails loudly when the pull never succeeds, and runs nothing", () => {
    const result = runBootScript(userData(), { pullFailures: 99 });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/giving up after 6 attempts: docker pull/);
    expect(result.callsOf("docker").filter((call) => call[0] === "run")).toEqual([]);
  });

  it("replaces a container of the same name, after the pull", () => {
    const docker = boot({}, { existingContainer: true }).callsOf("docker").map((call) => call[0]);
    expect(docker.slice(docker.indexOf("pull"))).toEqual(["pull", "container", "rm", "run"]);
    expect(boot().callsOf("docker").map((call) => call[0])).not.toContain("rm");
  });

  it("refuses a value with a line break, and names a launch it cannot run", () => {
    const build = (overrides: Partial<ContainerLaunch>) => () => awsContainerBootScript({ name: "api", image: ECR_IMAGE, port: 80, env: {}, ...overrides }, OPTIONS);
    expect(build({ env: { A: "one\ntwo" } })).toThrow("environment variable A: the value contains a line break");
    expect(build({ env: { "A-B": "x" } })).toThrow(/environment variable name "A-B"/);
    expect(build({ name: "Api" })).toThrow(/container name "Api"/);
    expect(build({ port: 0 })).toThrow(/container port 0/);
    expect(build({ image: "ghcr.io/org/app:1 ; rm -rf /" })).toThrow(/container image/);
  });
});

describe("ecrRegistry", () => {
  it("reads account, region and repository from an ECR image, tag or digest", () => {
    expect(ecrRegistry(ECR_IMAGE)).toEqual({ accountId: "123456789012", region: "eu-central-1", repository: "team/api" });
    expect(ecrRegistry(`123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:${"a".repeat(64)}`)).toEqual({ accountId: "123456789012", region: "us-east-1", repository: "app" });
  });

  it("is undefined for other registries", () => {
    for (const image of ["ghcr.io/org/app:1", "nginx:1.27", "europe-docker.pkg.dev/my-project/repo/app:1", "123.dkr.ecr.eu-west-1.amazonaws.com/app"]) {
      expect(ecrRegistry(image)).toBeUndefined();
    }
  });
});
