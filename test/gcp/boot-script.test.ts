import { readFileSync } from "fs";
import { join } from "path";
import { gcpContainerBootScript } from "../../constructs/gcp/boot-script";
import { artifactRegistry, ContainerLaunch } from "../../lib/container-boot";
import { bootSucceeds, renderAsTerraform, RunOptions, SAMPLE_VALUES, synthesizeValue } from "../support/stub-bin";

const AR_IMAGE = "europe-west1-docker.pkg.dev/my-project/apps/api:1.4.2";

/** The startup-script an instance receives: synthesized as a plain metadata value, then applied by "Terraform". */
function startupScript(overrides: Partial<ContainerLaunch> = {}): string {
  const raw = synthesizeValue((tokens) =>
    gcpContainerBootScript({
      name: "api",
      image: AR_IMAGE,
      port: 8080,
      env: { DATABASE_HOST: tokens.dbHost, CLOUD_REGION: tokens.region, SHELLISH: "${HOME}", DIRECTIVE: "%{x}", ESCAPED: "$${x}", QUOTES: `it's "quoted" \\ $(id)` },
      ...overrides,
    }),
  );
  return renderAsTerraform(raw, SAMPLE_VALUES);
}

function boot(overrides: Partial<ContainerLaunch> = {}, run: RunOptions = {}) {
  return bootSucceeds(startupScript(overrides), run);
}

describe("gcpContainerBootScript", () => {
  it("configures docker for the image's Artifact Registry host, then pulls and runs with gcplogs", () => {
    const result = boot();
    expect(result.calls.map((call) => call.slice(0, 2).join(" "))).toEqual([
      "docker-credential-gcr configure-docker",
      "docker info",
      "docker pull",
      "docker container",
      "docker run",
    ]);
    expect(result.callsOf("docker-credential-gcr")).toEqual([["configure-docker", "--registries=europe-west1-docker.pkg.dev"]]);
    expect(result.callsOf("docker").find((call) => call[0] === "run")).toEqual([
      "run", "--detach", "--name", "api", "--restart", "always", "--publish", "8080:8080", "--env-file", join(result.stateDir, "api.env"),
      "--log-driver", "gcplogs", AR_IMAGE,
    ]);
  });

  it("writes the env as given: references filled in by Terraform, everything else unexpanded", () => {
    const result = boot();
    expect(readFileSync(join(result.stateDir, "api.env"), "utf8")).toBe(
      [`DATABASE_HOST=${SAMPLE_VALUES["var.db_host"]}`, `CLOUD_REGION=${SAMPLE_VALUES["lower(var.region)"]}`, "SHELLISH=${HOME}", "DIRECTIVE=%{x}", "ESCAPED=$${x}", `QUOTES=it's "quoted" \\ $(id)`, ""].join("\n"),
    );
  });

  it("does not configure a registry for a public image", () => {
    const result = boot({ image: "nginx:1.27" });
    expect(result.callsOf("docker-credential-gcr")).toEqual([]);
    expect(result.callsOf("docker")).toContainEqual(["pull", "nginx:1.27"]);
  });

  it("is idempotent at every boot: the container from the last boot is replaced, the env file rewritten", () => {
    const result = boot({}, { existingContainer: true });
    expect(result.callsOf("docker").map((call) => call[0])).toEqual(["info", "pull", "container", "rm", "run"]);
    expect(result.callsOf("docker")).toContainEqual(["rm", "--force", "api"]);
  });

  it("retries a failing pull", () => {
    const result = boot({}, { pullFailures: 1 });
    expect(result.callsOf("docker").filter((call) => call[0] === "pull")).toHaveLength(2);
    expect(result.callsOf("sleep")).toEqual([["5"]]);
  });

  it("refuses a value with a line break", () => {
    expect(() => gcpContainerBootScript({ name: "api", image: AR_IMAGE, port: 80, env: { A: "one\r\ntwo" } })).toThrow("environment variable A: the value contains a line break");
  });
});

describe("artifactRegistry", () => {
  it("reads location, project and repository from an Artifact Registry image", () => {
    expect(artifactRegistry(AR_IMAGE)).toEqual({ location: "europe-west1", project: "my-project", repository: "apps" });
    expect(artifactRegistry(`us-docker.pkg.dev/my-project/apps/team/api@sha256:${"b".repeat(64)}`)).toEqual({ location: "us", project: "my-project", repository: "apps" });
  });

  it("is undefined for other registries", () => {
    for (const image of ["gcr.io/my-project/api:1", "nginx:1.27", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1", "europe-west1-docker.pkg.dev/my-project/api:1"]) {
      expect(artifactRegistry(image)).toBeUndefined();
    }
  });
});
