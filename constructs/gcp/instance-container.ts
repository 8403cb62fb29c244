/**
 * Container mode of the GcpInstanceGroup: each instance runs one container image on
 * Container-Optimized OS, started by the generated startup script (./boot-script.ts) instead of a
 * hand-written one. This file holds what only container mode needs: its props, their validation,
 * the default image, and the registry permission the container runtime uses.
 *
 * A release changes the image, so it changes the startup-script metadata and nothing else: the
 * instance template is replaced (name prefix, create_before_destroy) and the group's proactive
 * update rolls the new template out, surging before it removes anything. Health checks, backend
 * services and firewall rules never change.
 */
import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { ArtifactRegistryRepositoryIamMember } from "@cdktf/provider-google/lib/artifact-registry-repository-iam-member";
import { artifactRegistry, ContainerLaunch } from "../../lib/container-boot";
import { PropsFailure } from "../../lib/errors";
import { gcpContainerBootScript } from "./boot-script";

/**
 * Container-Optimized OS, latest stable milestone, resolved by Compute Engine when a template is
 * created: docker, docker's gcplogs driver and docker-credential-gcr are preinstalled, and it runs
 * the startup-script metadata at every boot.
 */
export const COS_IMAGE = "cos-cloud/cos-stable";

/** Pulls from one Artifact Registry repository and nothing else. */
export const ARTIFACT_REGISTRY_READER = "roles/artifactregistry.reader";

/** What a GcpInstanceGroup in container mode runs. */
export interface GcpInstanceContainer {
  /**
   * Image reference, e.g. "europe-west1-docker.pkg.dev/my-project/shop/web:1.4.2" or "nginx:1.27".
   * An Artifact Registry image gets read access to its repository only, granted to the group's
   * service account (whoever deploys needs IAM admin on that repository, which may live in another
   * project); any other image is pulled anonymously. A literal, not a token: the permission is
   * derived from it at synthesis.
   */
  readonly image: string;
  /**
   * The container's environment. Names are letters, digits and "_", not starting with a digit;
   * values may be tokens (e.g. a database address), which Terraform fills in. Metadata is readable
   * by anyone with compute viewer access: never put secrets here.
   * @default no variables
   */
  readonly env?: Record<string, string>;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// What the boot script accepts (lib/container-boot.ts), checked here to report it as a props problem.
const IMAGE = /^[a-z0-9][A-Za-z0-9._:/@-]*$/;

/** Refuses a container spec that could not boot; `fail` throws. */
export function validateContainer(container: GcpInstanceContainer, fail: PropsFailure): void {
  const { image, env = {} } = container;
  if (typeof image !== "string" || image.length === 0) fail("container.image", "is empty", 'an image reference, e.g. "nginx:1.27"');
  if (Token.isUnresolved(image)) {
    fail("container.image", "is a token", "a literal image reference: the registry permission is derived from it at synthesis");
  }
  if (!IMAGE.test(image)) fail("container.image", `"${image}" is not an image reference`, 'registry/repository:tag or ...@sha256:digest, e.g. "nginx:1.27"');
  for (const [name, value] of Object.entries(env)) {
    const problem = envProblem(name, value);
    if (problem) fail(`container.env.${name}`, ...problem);
  }
}

/** What is wrong with one environment variable, and what is allowed; undefined when nothing is. */
function envProblem(name: string, value: unknown): [string, string] | undefined {
  if (!ENV_NAME.test(name)) return ["is not a variable name", 'letters, digits and "_", not starting with a digit'];
  if (typeof value !== "string") return ["is not a string", "a string or a string token"];
  // The boot script writes one variable per line of an env file.
  if (/[\r\n]/.test(value)) return ["contains a line break", "a single-line value"];
  return undefined;
}

export interface GcpContainerRuntimeOptions {
  /** The instance group's name: names the container and the registry grant. */
  readonly name: string;
  readonly port: number;
  /** "serviceAccount:<email>" of the instances, who may pull the image. */
  readonly serviceAccountMember: string;
  readonly container: GcpInstanceContainer;
}

export interface GcpContainerRuntime {
  /** Instance metadata: the startup script (escaped for a plain Terraform attribute) and COS's logging agent. */
  readonly metadata: Record<string, string>;
  /** What must exist before an instance boots: the registry grant, when there is one. */
  readonly prerequisites: ITerraformDependable[];
}

/** Grants the service account read access to the image's Artifact Registry repository, and renders the boot script. */
export function addContainerRuntime(scope: Construct, options: GcpContainerRuntimeOptions): GcpContainerRuntime {
  const { container } = options;
  const prerequisites: ITerraformDependable[] = [];
  // A public image needs no registry permission at all. Logs need none either: the gcplogs driver
  // writes with roles/logging.logWriter, which every group's service account already holds.
  const registry = artifactRegistry(container.image);
  if (registry) {
    prerequisites.push(
      new ArtifactRegistryRepositoryIamMember(scope, "registry-reader", {
        project: registry.project,
        location: registry.location,
        repository: registry.repository,
        role: ARTIFACT_REGISTRY_READER,
        member: options.serviceAccountMember,
      }),
    );
  }
  const launch: ContainerLaunch = { name: options.name, image: container.image, port: options.port, env: container.env ?? {} };
  return {
    metadata: {
      // COS's own logging agent ships the journal, where the startup script's output (a failed pull)
      // goes; the container's output reaches Cloud Logging through docker's gcplogs driver.
      "google-logging-enabled": "true",
      "startup-script": gcpContainerBootScript(launch),
    },
    prerequisites,
  };
}
