/**
 * Monthly cost of the Google Cloud resources on one side of a plan, from the price table:
 * instances of managed instance groups (the autoscaler's minimum, else the target size) and
 * standalone instances, Cloud SQL (vCPU + memory of the tier and SSD storage, zonal or regional
 * HA), the Cloud NAT gateway (per VM using it), global forwarding rules, external addresses and
 * Cloud DNS managed zones. Usage-based charges are listed, not guessed.
 */
import { PricingContext, SideCollector, SideEstimate } from "./cost";
import { PlannedResource, block, linkedResource, numberOf } from "./plan-resources";

const FREE_TYPES = new Set([
  "google_compute_network", "google_compute_subnetwork", "google_compute_firewall", "google_compute_router",
  "google_compute_health_check", "google_compute_backend_service", "google_compute_url_map", "google_compute_target_http_proxy",
  "google_compute_target_https_proxy", "google_compute_ssl_policy", "google_compute_instance_template",
  "google_compute_region_instance_template", "google_compute_region_autoscaler", "google_compute_autoscaler",
  "google_service_account", "google_project_iam_member", "google_secret_manager_secret_iam_member",
  "google_artifact_registry_repository_iam_member", "google_service_networking_connection", "google_sql_database",
  "google_sql_user", "google_dns_record_set", "google_project_service",
]);
const GROUP_TYPES = new Set(["google_compute_region_instance_group_manager", "google_compute_instance_group_manager"]);
const TEMPLATE_TYPES = new Set(["google_compute_instance_template", "google_compute_region_instance_template"]);
const AUTOSCALER_TYPES = new Set(["google_compute_region_autoscaler", "google_compute_autoscaler"]);
/** The address the forwarding rules of a stack are priced under: Google bills the first five together. */
export const FORWARDING_RULES = "global forwarding rules";
const NAT_VM_LIMIT = 32;

export function priceGcp(resources: readonly PlannedResource[], context: PricingContext): SideEstimate {
  const out = new SideCollector();
  const vms = priceInstances(resources, context, out);
  const forwardingRules = resources.filter((resource) => resource.type === "google_compute_global_forwarding_rule").length;
  for (const resource of resources) {
    const values = resource.values;
    switch (resource.type) {
      case "google_sql_database_instance":
        priceSql(resource, context, out);
        break;
      case "google_compute_router_nat":
        priceNat(resource, vms, context, out);
        break;
      case "google_compute_global_address":
        if ((values.address_type ?? "EXTERNAL") === "EXTERNAL") {
          unit(resource.address, "gcp.external-ip.forwarding-rule", "external IP address (in use by the forwarding rules)", context, out);
        }
        break;
      case "google_compute_address":
        if ((values.address_type ?? "EXTERNAL") === "EXTERNAL") out.not(`\`${resource.address}\`: regional external address`);
        break;
      case "google_dns_managed_zone":
        unit(resource.address, "gcp.dns.managed-zone", "managed zone", context, out);
        out.usageBased("Cloud DNS queries");
        break;
      case "google_compute_global_forwarding_rule":
        out.usageBased("load balancer data processing (per GiB)");
        break;
      default:
        if (!FREE_TYPES.has(resource.type) && !GROUP_TYPES.has(resource.type) && resource.type !== "google_compute_instance") {
          out.not(`\`${resource.type}\`: no price in the table`);
        }
    }
  }
  if (forwardingRules > 0) {
    const first = context.monthly("gcp.forwarding-rule.first-5");
    const additional = context.monthly("gcp.forwarding-rule.additional");
    if (first === undefined || additional === undefined) out.not(context.missing(FORWARDING_RULES));
    else out.line(FORWARDING_RULES, `${forwardingRules} (first 5 billed together; per project)`, first + Math.max(0, forwardingRules - 5) * additional);
  }
  if (resources.length > 0) out.usageBased("data transfer");
  return out.result();
}

/** Prices the instances of every group and standalone instance; returns how many VMs there are, undefined when unknown. */
function priceInstances(resources: readonly PlannedResource[], context: PricingContext, out: SideCollector): number | undefined {
  const groups = resources.filter((resource) => GROUP_TYPES.has(resource.type));
  const templates = resources.filter((resource) => TEMPLATE_TYPES.has(resource.type));
  const autoscalers = resources.filter((resource) => AUTOSCALER_TYPES.has(resource.type));
  let total: number | undefined = 0;
  const machines = (address: string, machineType: unknown, count: number, label: string) => {
    out.not("boot disks of the instances");
    if (typeof machineType !== "string") return out.not(`\`${address}\`: machine type known after apply`);
    const monthly = context.monthly(`gcp.compute.${machineType}`);
    if (monthly === undefined) return out.not(context.missing(`\`${address}\`: machine type ${machineType}`));
    out.line(address, `${count} × ${machineType}${label}`, count * monthly);
  };
  for (const group of groups) {
    const autoscaler = autoscalers.find(
      (candidate) => linkedResource(candidate, ["target"], groups, (target) => target.values.base_instance_name === candidate.values.name) === group,
    );
    const count = autoscaler ? numberOf(block(autoscaler.values.autoscaling_policy)?.min_replicas) : numberOf(group.values.target_size);
    if (count === undefined) {
      out.not(`\`${group.address}\`: instance count known after apply`);
      total = undefined;
      continue;
    }
    if (total !== undefined) total += count;
    const template = linkedResource(group, ["version", 0, "instance_template"], templates);
    if (!template) out.not(`\`${group.address}\`: instance template not found in the plan`);
    else machines(group.address, template.values.machine_type, count, autoscaler ? " (autoscaler minimum)" : "");
  }
  for (const instance of resources.filter((resource) => resource.type === "google_compute_instance")) {
    if (total !== undefined) total += 1;
    machines(instance.address, instance.values.machine_type, 1, "");
  }
  return total;
}

/** vCPUs and GB of memory of a Cloud SQL tier, for the tiers billed per vCPU and memory. */
export function sqlTierShape(tier: string): { vcpus: number; memoryGb: number } | undefined {
  const custom = /^db-custom-(\d+)-(\d+)$/.exec(tier);
  if (custom) return { vcpus: Number(custom[1]), memoryGb: Number(custom[2]) / 1024 };
  const standard = /^db-n1-(standard|highmem)-(\d+)$/.exec(tier);
  if (standard) return { vcpus: Number(standard[2]), memoryGb: Number(standard[2]) * (standard[1] === "standard" ? 3.75 : 6.5) };
  return undefined;
}

function priceSql(resource: PlannedResource, context: PricingContext, out: SideCollector): void {
  const settings = block(resource.values.settings) ?? {};
  out.usageBased("Cloud SQL backups and storage autoresize");
  const tier = settings.tier;
  if (typeof tier !== "string") return out.not(`\`${resource.address}\`: tier known after apply`);
  const shape = sqlTierShape(tier);
  if (!shape || (settings.edition ?? "ENTERPRISE") !== "ENTERPRISE" || String(resource.values.database_version ?? "").startsWith("SQLSERVER")) {
    return out.not(`\`${resource.address}\`: tier ${tier}${settings.edition ? ` (${settings.edition})` : ""} is not priced per vCPU and memory in the table`);
  }
  const ha = settings.availability_type === "REGIONAL" ? "regional" : "zonal";
  const vcpu = context.monthly(`gcp.sql.vcpu.${ha}`);
  const memory = context.monthly(`gcp.sql.memory.${ha}`);
  if (vcpu === undefined || memory === undefined) return out.not(context.missing(`\`${resource.address}\`: Cloud SQL ${tier}`));
  const label = `${tier} (${shape.vcpus} vCPU, ${round(shape.memoryGb)} GB) ${ha === "regional" ? "HA (regional)" : "zonal"}`;
  const compute = shape.vcpus * vcpu + shape.memoryGb * memory;
  const diskGb = numberOf(settings.disk_size);
  const perGb = (settings.disk_type ?? "PD_SSD") === "PD_SSD" ? context.monthly(`gcp.sql.ssd.${ha}`) : undefined;
  if (diskGb === undefined || perGb === undefined) {
    out.not(`\`${resource.address}\`: storage (${settings.disk_type ?? "PD_SSD"}, ${diskGb ?? "size unknown"} GB)`);
    return out.line(resource.address, label, compute);
  }
  out.line(resource.address, `${label} + ${diskGb} GB SSD`, compute + diskGb * perGb);
}

function priceNat(resource: PlannedResource, vms: number | undefined, context: PricingContext, out: SideCollector): void {
  out.usageBased("Cloud NAT data processing (per GiB)");
  out.not("Cloud NAT external IP addresses ($0.005/h each; how many is decided by the gateway)");
  if (vms === undefined) return out.not(`\`${resource.address}\`: number of VMs using the gateway unknown`);
  const perVm = context.monthly("gcp.cloud-nat.per-vm");
  const cap = context.monthly("gcp.cloud-nat.cap");
  if (perVm === undefined || cap === undefined) return out.not(context.missing(`\`${resource.address}\`: Cloud NAT`));
  out.line(resource.address, `NAT gateway for ${vms} VM${vms === 1 ? "" : "s"}`, vms > NAT_VM_LIMIT ? cap : vms * perVm);
}

function unit(address: string, item: string, what: string, context: PricingContext, out: SideCollector): void {
  const monthly = context.monthly(item);
  if (monthly === undefined) out.not(context.missing(`\`${address}\`: ${what}`));
  else out.line(address, what, monthly);
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** The region of the Google resources: the provider's constant region or a resource's region. */
export function gcpRegion(resources: readonly PlannedResource[], plan: any): string | undefined {
  for (const provider of Object.values<any>(plan?.configuration?.provider_config ?? {})) {
    const region = provider?.expressions?.region?.constant_value;
    if (provider?.name === "google" && typeof region === "string") return region;
  }
  const withRegion = resources.find((resource) => resource.type.startsWith("google_") && typeof resource.values.region === "string" && !resource.values.region.includes("${"));
  return withRegion?.values.region;
}
