/**
 * Monthly cost of the AWS resources on one side of a plan, from the price table: instances of
 * auto scaling groups (desired capacity, else the minimum) and standalone instances, RDS
 * (class, engine, Single-AZ or Multi-AZ, gp3 storage), NAT gateways, Application Load Balancers
 * (hourly charge only), Elastic IPs and Route 53 hosted zones. Everything else is either free by
 * itself (listed below) or reported as not estimated; usage-based charges are listed, not guessed.
 */
import { PricingContext, SideCollector, SideEstimate } from "./cost";
import { PlannedResource, block, linkedResource, numberOf } from "./plan-resources";

/** Types that cost nothing by themselves (their traffic, if any, is a usage-based charge). */
const FREE_TYPES = new Set([
  "aws_vpc", "aws_subnet", "aws_route_table", "aws_route_table_association", "aws_route", "aws_internet_gateway",
  "aws_security_group", "aws_default_security_group", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule",
  "aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_instance_profile", "aws_iam_policy",
  "aws_launch_template", "aws_autoscaling_policy", "aws_lb_listener", "aws_lb_listener_rule", "aws_lb_target_group",
  "aws_lb_target_group_attachment", "aws_acm_certificate", "aws_acm_certificate_validation", "aws_route53_record",
  "aws_db_subnet_group", "aws_db_parameter_group",
]);

const ENGINES: Record<string, string> = { mysql: "MySQL", postgres: "PostgreSQL" };

export function priceAws(resources: readonly PlannedResource[], context: PricingContext): SideEstimate {
  const out = new SideCollector();
  const templates = resources.filter((resource) => resource.type === "aws_launch_template");
  const ec2 = (address: string, instanceType: unknown, count: number, label = "") => {
    if (typeof instanceType !== "string") return out.not(`\`${address}\`: instance type known after apply`);
    const monthly = context.monthly(`aws.ec2.${instanceType}`);
    if (monthly === undefined) return out.not(context.missing(`\`${address}\`: instance type ${instanceType}`));
    out.line(address, `${count} × ${instanceType}${label}`, count * monthly);
  };

  for (const resource of resources) {
    const values = resource.values;
    switch (resource.type) {
      case "aws_autoscaling_group": {
        const count = numberOf(values.desired_capacity) ?? numberOf(values.min_size);
        if (count === undefined) {
          out.not(`\`${resource.address}\`: instance count known after apply`);
          break;
        }
        if (block(values.mixed_instances_policy)) {
          out.not(`\`${resource.address}\`: mixed instances policy`);
          break;
        }
        const template = linkedResource(resource, ["launch_template", 0, "id"], templates, (candidate) => candidate.values.name === values.name);
        if (!template) out.not(`\`${resource.address}\`: launch template not found in the plan`);
        else ec2(resource.address, template.values.instance_type, count, numberOf(values.desired_capacity) === undefined ? " (minimum size)" : "");
        out.not("EBS volumes of the instances");
        break;
      }
      case "aws_instance":
        ec2(resource.address, values.instance_type, 1);
        out.not("EBS volumes of the instances");
        break;
      case "aws_db_instance":
        priceDatabase(resource, context, out);
        break;
      case "aws_nat_gateway":
        hourly(resource, "aws.nat-gateway", "NAT gateway", context, out);
        out.usageBased("NAT gateway data processing (per GB)");
        break;
      case "aws_lb":
        if (values.load_balancer_type !== "application") {
          out.not(`\`${resource.address}\`: ${values.load_balancer_type ?? "unknown"} load balancer`);
          break;
        }
        hourly(resource, "aws.alb", "Application Load Balancer, hourly charge", context, out);
        out.usageBased("ALB load balancer capacity units (LCUs)");
        if (values.internal !== true) out.not("public IPv4 addresses of the load balancer (one per zone, $0.005/h each)");
        break;
      case "aws_eip":
        hourly(resource, "aws.public-ipv4", "public IPv4 address", context, out);
        break;
      case "aws_route53_zone":
        hourly(resource, "aws.route53.hosted-zone", "hosted zone", context, out);
        out.usageBased("Route 53 DNS queries");
        break;
      case "aws_cloudwatch_log_group":
      case "aws_flow_log":
        out.usageBased("CloudWatch Logs ingestion and storage");
        break;
      default:
        if (!FREE_TYPES.has(resource.type)) out.not(`\`${resource.type}\`: no price in the table`);
    }
  }
  if (resources.length > 0) out.usageBased("data transfer");
  return out.result();
}

/** A resource priced per unit of one table item (per hour or per month). */
function hourly(resource: PlannedResource, item: string, what: string, context: PricingContext, out: SideCollector): void {
  const monthly = context.monthly(item);
  if (monthly === undefined) out.not(context.missing(`\`${resource.address}\`: ${what}`));
  else out.line(resource.address, what, monthly);
}

function priceDatabase(resource: PlannedResource, context: PricingContext, out: SideCollector): void {
  const { instance_class: instanceClass, engine, multi_az: multiAz, allocated_storage: storage, storage_type: storageType } = resource.values;
  const deployment = multiAz === true ? "multi-az" : "single-az";
  const name = `${ENGINES[engine] ?? engine} ${multiAz === true ? "Multi-AZ" : "Single-AZ"}`;
  out.usageBased("RDS backup storage beyond the database size, and storage autoscaling");
  if (typeof instanceClass !== "string" || typeof engine !== "string" || typeof multiAz !== "boolean") {
    out.not(`\`${resource.address}\`: class, engine or Multi-AZ known after apply`);
    return;
  }
  const instance = context.monthly(`aws.rds.${engine}.${deployment}.${instanceClass}`);
  if (instance === undefined) {
    out.not(context.missing(`\`${resource.address}\`: ${instanceClass} ${name}`));
    return;
  }
  const gigabytes = numberOf(storage);
  const perGb = storageType === "gp3" ? context.monthly(`aws.rds.gp3.${deployment}`) : undefined;
  if (gigabytes === undefined || perGb === undefined) {
    out.not(`\`${resource.address}\`: storage (${storageType ?? "type unknown"}, ${gigabytes ?? "size unknown"} GB)`);
    out.line(resource.address, `${instanceClass} ${name}`, instance);
    return;
  }
  out.line(resource.address, `${instanceClass} ${name} + ${gigabytes} GB gp3`, instance + gigabytes * perGb);
}

/** The region of the AWS resources: the provider's constant region, a resource's region, or that of its availability zone(s). */
export function awsRegion(resources: readonly PlannedResource[], plan: any): string | undefined {
  const providers = plan?.configuration?.provider_config ?? {};
  for (const provider of Object.values<any>(providers)) {
    const region = provider?.expressions?.region?.constant_value;
    if (provider?.name === "aws" && typeof region === "string") return region;
  }
  for (const resource of resources) {
    if (!resource.type.startsWith("aws_")) continue;
    if (typeof resource.values.region === "string") return resource.values.region;
    const zones = resource.values.availability_zones;
    const zone = resource.values.availability_zone ?? (Array.isArray(zones) ? zones[0] : undefined);
    const match = typeof zone === "string" ? /^([a-z]{2}(?:-[a-z]+)+-\d+)[a-z]$/.exec(zone) : null;
    if (match) return match[1];
  }
  return undefined;
}
