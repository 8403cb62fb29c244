/**
 * The cloud-neutral half of the boot scripts that run a service's container on an instance
 * (`constructs/aws/boot-script.ts`, `constructs/gcp/boot-script.ts`): what to launch, which
 * registry an image lives in, and the bash both clouds share. The cloud halves add the registry
 * login and the log driver, and escape the result for where Terraform reads it.
 */

export interface ContainerLaunch {
  /** Service name: the container's name, its env file's, its log stream's. [a-z][a-z0-9-]* */
  readonly name: string;
  /** registry/repository:tag or …@sha256:digest */
  readonly image: string;
  /** The port the container listens on, published on the same host port. */
  readonly port: number;
  /** Environment variables; values may be cdktf tokens (resolved by Terraform at apply), never secrets. */
  readonly env: Readonly<Record<string, string>>;
}

const TAG_OR_DIGEST = "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?";
const ECR_IMAGE = new RegExp(`^(\\d{12})\\.dkr\\.ecr\\.([a-z]{2}(?:-[a-z]+)+-\\d)\\.amazonaws\\.com/([a-z0-9][a-z0-9._/-]*)${TAG_OR_DIGEST}$`);
const ARTIFACT_REGISTRY_IMAGE = new RegExp(`^([a-z0-9-]+)-docker\\.pkg\\.dev/([a-z][a-z0-9-]{4,28}[a-z0-9])/([a-z]([a-z0-9-]*[a-z0-9])?)/[a-z0-9][a-z0-9._/-]*${TAG_OR_DIGEST}$`);

/** <acct>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest] */
export function ecrRegistry(image: string): { accountId: string; region: string; repository: string } | undefined {
  const match = ECR_IMAGE.exec(image);
  return match ? { accountId: match[1], region: match[2], repository: match[3] } : undefined;
}

/** <location>-docker.pkg.dev/<project>/<repo>/<image> */
export function artifactRegistry(image: string): { location: string; project: string; repository: string } | undefined {
  const match = ARTIFACT_REGISTRY_IMAGE.exec(image);
  return match ? { location: match[1], project: match[2], repository: match[3] } : undefined;
}

/** The host part of an image reference: what `docker login` and credential helpers are keyed by. */
export function registryHost(image: string): string {
  return image.split("/")[0];
}

/** One word for bash, whatever it holds (a token placeholder included: Terraform fills it in later). */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

// Plain Errors: the environment file is validated long before this (schema.ts, validate-release.ts),
// so anything refused here is a caller passing what it should not.
function checkLaunch(launch: ContainerLaunch): void {
  if (!/^[a-z][a-z0-9-]*$/.test(launch.name)) throw new Error(`container name ${JSON.stringify(launch.name)}: use a-z, 0-9 and '-', starting with a letter`);
  // A token image would hide the registry, and with it whether to log in.
  if (!/^[a-z0-9][A-Za-z0-9._:/@-]*$/.test(launch.image)) throw new Error(`container image ${JSON.stringify(launch.image)}: expected a literal registry/repository:tag or …@sha256:digest`);
  if (!Number.isInteger(launch.port) || launch.port < 1 || launch.port > 65535) throw new Error(`container port ${launch.port}: expected an integer from 1 to 65535`);
  for (const [name, value] of Object.entries(launch.env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`environment variable name ${JSON.stringify(name)}: use letters, digits and _`);
    // The env file holds one variable per line; docker has no quoting to continue one.
    if (/[\r\n]/.test(value)) throw new Error(`environment variable ${name}: the value contains a line break, which an env file cannot hold`);
  }
}

// Every line of the env file contains "=", so none can end the heredoc early.
const ENV_FILE_END = "CONTAINER_BOOT_ENV";

/** What a cloud adds to the shared script. */
export interface CloudBootSteps {
  /** Bash run before the pull: start docker, find the instance, log in to the registry. */
  readonly prepare: readonly string[];
  /** `docker run` arguments that send the container's output to the cloud's log service. */
  readonly logOptions: readonly string[];
}

/**
 * The unescaped bash that writes the env file, pulls the image with retries, replaces any
 * container of the same name and runs it with restart policy always. Safe to run at every boot.
 */
export function containerBootScript(launch: ContainerLaunch, steps: CloudBootSteps): string {
  checkLaunch(launch);
  const name = shellQuote(launch.name);
  const image = shellQuote(launch.image);
  const envLines = Object.entries(launch.env).map(([key, value]) => `${key}=${value}`);
  return [
    "#!/bin/bash",
    `# Runs the ${launch.name} container (lib/container-boot.ts). Output goes to the boot log: cloud-init's on AWS, the journal on GCP.`,
    "set -euo pipefail",
    "shopt -s inherit_errexit",
    `log() { echo "container-boot[${launch.name}]: $*" >&2; }`,
    `trap 'status=$?; log "failed at line $LINENO (exit $status)"' ERR`,
    "# The network, the registry and the instance's credentials can all lag behind boot.",
    "retry() {",
    "  local attempt=1",
    '  until "$@"; do',
    '    if [ "$attempt" -ge 6 ]; then log "giving up after $attempt attempts: $*"; return 1; fi',
    '    log "attempt $attempt failed, retrying in $((attempt * 5)) s: $*"',
    "    sleep $((attempt * 5))",
    "    attempt=$((attempt + 1))",
    "  done",
    "}",
    "",
    "# Under /var: persistent and writable on both clouds (COS mounts / read-only). The docker config",
    "# (registry credentials) lives here too, whichever of HOME and DOCKER_CONFIG a tool reads.",
    // No "${…}" in the script's own text: cdktf warns about it inside Fn.base64encode (needlessly).
    "CONTAINER_BOOT_DIR=$(printenv CONTAINER_BOOT_DIR || echo /var/lib/container-boot)",
    'export HOME="$CONTAINER_BOOT_DIR" DOCKER_CONFIG="$CONTAINER_BOOT_DIR/docker"',
    'mkdir -p "$DOCKER_CONFIG"',
    'chmod 0700 "$CONTAINER_BOOT_DIR" "$DOCKER_CONFIG"',
    "umask 077",
    `env_file="$CONTAINER_BOOT_DIR/${launch.name}.env"`,
    "# Quoted delimiter: the shell expands nothing; Terraform has already filled in the references.",
    `cat > "$env_file" <<'${ENV_FILE_END}'`,
    ...envLines,
    ENV_FILE_END,
    "",
    ...steps.prepare,
    "retry docker info >/dev/null",
    `log "pulling ${launch.image}"`,
    `retry docker pull ${image}`,
    "# A container from an earlier boot (or an earlier run of this script) holds the name and the port.",
    `if docker container inspect ${name} >/dev/null 2>&1; then`,
    `  log "removing the previous ${launch.name} container"`,
    `  docker rm --force ${name} >/dev/null`,
    "fi",
    `docker run --detach --name ${name} --restart always --publish ${launch.port}:${launch.port} --env-file "$env_file" \\`,
    `  ${steps.logOptions.join(" ")} \\`,
    `  ${image}`,
    `log "started ${launch.image} as ${launch.name} on port ${launch.port}"`,
    "",
  ].join("\n");
}
