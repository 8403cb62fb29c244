/** What both GCP diagrams read the same way: resource type families, a MIG's subnetworks, Cloud SQL's network. */
import { blocks, StackResource, StackResources } from "../lib/terraform-json";

export const GCP_MIG = ["google_compute_region_instance_group_manager", "google_compute_instance_group_manager"];
export const GCP_TEMPLATE = ["google_compute_instance_template", "google_compute_region_instance_template"];

/** The instance templates a managed instance group uses. */
export function gcpMigTemplates(stack: StackResources, mig: StackResource): StackResource[] {
  return stack.targetsIn([mig.config.version, mig.config.instance_template], ...GCP_TEMPLATE).map((key) => stack.get(key)!);
}

/** The subnetworks a managed instance group's templates put their interfaces in. */
export function gcpMigSubnetworks(stack: StackResources, mig: StackResource): string[] {
  const nics = gcpMigTemplates(stack, mig).flatMap((template) => blocks(template.config.network_interface));
  return stack.targetsIn(nics.map((nic) => nic.subnetwork), "google_compute_subnetwork");
}

/** The VPC network a Cloud SQL instance has its private IP in, and its ip_configuration block. */
export function gcpSqlNetwork(stack: StackResources, sql: StackResource): { network?: string; ip: any } {
  const settings = blocks(sql.config.settings)[0] ?? {};
  const ip = blocks(settings.ip_configuration)[0] ?? {};
  return { network: stack.target(ip.private_network, "google_compute_network")?.address, ip };
}
