/**
 * Cross-field rules for what runs on the instances: a container image or a start-up script, the
 * container's environment, canary releases, and the boot-time size limits of each cloud.
 */
import { AWS_USER_DATA_MAX_BYTES } from "../constructs/aws/limits";
import { GCE_METADATA_VALUE_MAX_BYTES } from "../constructs/gcp/limits";
import { RESERVED_ENV_NAMES } from "../lib/app-env";
import { EnvironmentFile } from "./schema";

type Report = (path: string, message: string) => void;

/** Instances the canary group runs: the percentage of the stable minimum, rounded up. */
export function canaryInstances(minimum: number, percent: number): number {
  return Math.ceil((Math.max(minimum, 1) * percent) / 100);
}

export function checkRelease(spec: EnvironmentFile, report: Report): void {
  spec.services.forEach((service, index) => {
    const at = `services[${index}]`;
    if (service.image !== undefined && service.startupScript !== undefined) {
      report(`${at}.startupScript`, "a service with image runs the generated boot script (put the setup into the image, or drop image)");
    }
    if (service.env !== undefined && service.image === undefined) {
      report(`${at}.env`, "is the container's environment: set image too (a startupScript can export its own variables)");
    }
    for (const name of Object.keys(service.env ?? {})) {
      if (RESERVED_ENV_NAMES.includes(name)) report(`${at}.env.${name}`, `is set by the stack (reserved: ${RESERVED_ENV_NAMES.join(", ")})`);
    }
    const canary = service.release?.canary;
    if (canary) {
      if (service.image === undefined) report(`${at}.release`, "a canary releases a new image next to image: set image (the stable one) first");
      else if (canary.image === service.image) report(`${at}.release.canary.image`, "is the stable image (promote by replacing image and removing release)");
      const stable = Math.max(service.capacity.min, 1);
      if (canaryInstances(service.capacity.min, canary.percent) >= stable) {
        report(
          `${at}.release.canary.percent`,
          // With percent ≤ 50, two stable instances always leave room for one canary.
          `${canary.percent}% of capacity.min ${service.capacity.min} rounds up to the whole group (raise capacity.min to 2 or more)`,
        );
      }
    }
    const script = service.startupScript;
    if (script !== undefined) {
      const bytes = Buffer.byteLength(script, "utf8");
      if (spec.aws && bytes > AWS_USER_DATA_MAX_BYTES) {
        report(`${at}.startupScript`, `is ${bytes} bytes; EC2 user data allows ${AWS_USER_DATA_MAX_BYTES} (AWS): fetch a larger script at boot instead`);
      }
      if (spec.gcp && bytes > GCE_METADATA_VALUE_MAX_BYTES) {
        report(`${at}.startupScript`, `is ${bytes} bytes; a GCE metadata value allows ${GCE_METADATA_VALUE_MAX_BYTES} (GCP): fetch a larger script at boot instead`);
      }
    }
  });
}
