/**
 * The startup-script metadata value that runs a service's container on Container-Optimized OS.
 * Compute Engine runs it at every boot, so the shared script's replace-then-run keeps one
 * container per name; docker's restart policy covers crashes in between. COS ships
 * docker-credential-gcr, which hands docker the instance service account's token for Artifact
 * Registry once configured for the registry's host.
 */
import { ContainerLaunch, artifactRegistry, containerBootScript } from "../../lib/container-boot";
import { escapeTemplate } from "../../lib/terraform-template";

/** Startup script for a COS instance: Artifact Registry login (docker-credential-gcr configure-docker --registries=<location>-docker.pkg.dev) when the image is there, docker run with restart always, -p port:port, --env-file, --log-driver gcplogs. Terraform-template-safe (literal parts escaped), for the startup-script metadata value. */
export function gcpContainerBootScript(launch: ContainerLaunch): string {
  const registry = artifactRegistry(launch.image);
  const prepare = registry ? [`docker-credential-gcr configure-docker --registries=${registry.location}-docker.pkg.dev`] : [];
  // A metadata value is a plain attribute: Terraform reads it as a template, cdktf escapes nothing.
  return escapeTemplate(containerBootScript(launch, { prepare, logOptions: ["--log-driver gcplogs"] }));
}
