/**
 * Parity by construction: a cloud-neutral field is honoured by every cloud section of the file,
 * or refused here, by name, for the cloud that cannot honour it. And fields whose name no
 * longer tells the truth keep working for now, with a one-line deprecation notice.
 *
 * test/environment/parity.test.ts walks every field of the schema and proves each one either
 * changes a cloud's stack or is refused here for that cloud.
 */
import { GCP_HEALTHY_STATUS } from "../constructs/gcp/limits";
import { EnvironmentFile } from "./schema";

type Report = (path: string, message: string) => void;

/** Cloud-neutral settings a cloud present in the file cannot honour. */
export function checkParity(spec: EnvironmentFile, report: Report): void {
  if (!spec.gcp) return;
  spec.services.forEach((service, index) => {
    const matcher = service.healthCheck?.matcher;
    if (matcher !== undefined && matcher !== GCP_HEALTHY_STATUS) {
      report(
        `services[${index}].healthCheck.matcher`,
        `GCP health checks only accept ${GCP_HEALTHY_STATUS} ("${matcher}" would be honoured on AWS only; make the path answer ${GCP_HEALTHY_STATUS} and remove matcher)`,
      );
    }
    if (service.capacity?.desired !== undefined) {
      // google_compute_region_instance_group_manager: target_size must not be set when an autoscaler is attached.
      report(
        `services[${index}].capacity.desired`,
        "GCP cannot honour it: the autoscaler owns a managed instance group's size between min and max (remove desired)",
      );
    }
  });
  if (spec.loadBalancer?.idleTimeoutSeconds !== undefined) {
    const both = [
      spec.aws?.loadBalancer?.idleTimeoutSeconds !== undefined && "aws.loadBalancer.idleTimeoutSeconds",
      spec.gcp?.loadBalancer?.requestTimeoutSeconds !== undefined && "gcp.loadBalancer.requestTimeoutSeconds",
    ].filter(Boolean);
    if (both.length > 0) report("loadBalancer.idleTimeoutSeconds", `is deprecated and ${both.join(" and ")} is set too (remove it)`);
  }
}

/** Notices about deprecated fields that are still honoured: `<field>: <notice>`. */
export function deprecationNotices(spec: EnvironmentFile): string[] {
  const notices: string[] = [];
  if (spec.loadBalancer.idleTimeoutSeconds !== undefined) {
    notices.push(
      "loadBalancer.idleTimeoutSeconds: deprecated, it means the idle timeout on AWS but the request (and websocket) timeout on GCP; " +
        "move it to aws.loadBalancer.idleTimeoutSeconds and gcp.loadBalancer.requestTimeoutSeconds",
    );
  }
  return notices;
}
