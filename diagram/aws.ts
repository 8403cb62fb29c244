/**
 * AWS resources as a diagram: VPC and subnet tiers, NAT egress, Route 53, load balancers with
 * their listeners, rules and target groups, Auto Scaling groups, RDS and who may reach it.
 */
import { blocks, StackResource, StackResources } from "../lib/terraform-json";
import { addInternet, addInternetEgress, counted, displayName, Graph, INTERNET, INTERNET_EGRESS, isString, listOrNone, range, shown, unique } from "./graph";

const AWS_LB = ["aws_lb", "aws_alb"];
const AWS_LISTENER = ["aws_lb_listener", "aws_alb_listener"];
const AWS_RULE = ["aws_lb_listener_rule", "aws_alb_listener_rule"];
const AWS_TARGET_GROUP = ["aws_lb_target_group", "aws_alb_target_group"];

const AWS_PREDEFINED_METRICS: Record<string, string> = {
  ASGAverageCPUUtilization: "CPU",
  ASGAverageNetworkIn: "network in",
  ASGAverageNetworkOut: "network out",
  ALBRequestCountPerTarget: "requests per target",
};

interface AwsSubnet {
  readonly address: string;
  readonly vpc?: string;
  readonly tier: string;
  readonly zone: string;
  readonly cidr: string;
}

export function awsDiagram(graph: Graph, stack: StackResources): void {
  const subnets = new Map<string, AwsSubnet>();
  for (const subnet of stack.ofType("aws_subnet")) {
    const body = subnet.config;
    subnets.set(subnet.address, {
      address: subnet.address,
      vpc: stack.target(body.vpc_id, "aws_vpc")?.address,
      tier: isString(body.tags?.Tier) ? body.tags.Tier : "untiered",
      zone: shown(body.availability_zone ?? body.availability_zone_id),
      cidr: shown(body.cidr_block),
    });
  }
  const tierGroup = (subnet: AwsSubnet) => `tier:${subnet.vpc ?? "-"}:${subnet.tier}`;
  const subnetsOf = (value: unknown) =>
    stack.targetsIn(value, "aws_subnet").flatMap((key) => (subnets.has(key) ? [subnets.get(key)!] : []));
  /** The innermost group holding all of these subnets: their tier, else their VPC. */
  const placeIn = (members: AwsSubnet[]): string | undefined => {
    if (members.length === 0) return undefined;
    const tiers = unique(members.map(tierGroup));
    if (tiers.length === 1) return tiers[0];
    const vpcs = unique(members.map((subnet) => subnet.vpc));
    return vpcs.length === 1 && vpcs[0] ? vpcs[0] : undefined;
  };
  const zonesOf = (members: AwsSubnet[]) => {
    const tiers = unique(members.map((subnet) => subnet.tier));
    return `subnets: ${listOrNone(unique(members.map((subnet) => subnet.zone)))}${tiers.length === 1 ? ` (${tiers[0]})` : ""}`;
  };

  // Route tables: which subnet sends 0.0.0.0/0 where.
  const routesOf = new Map<string, { destination: string; nat?: string; igw?: string }[]>();
  const addRoute = (table: string | undefined, route: any) => {
    if (!table) return;
    const nat = stack.target(route.nat_gateway_id, "aws_nat_gateway")?.address;
    const igw = stack.target(route.gateway_id, "aws_internet_gateway")?.address;
    if (!nat && !igw) return;
    const destination = shown(route.destination_cidr_block ?? route.cidr_block ?? route.destination_ipv6_cidr_block ?? route.ipv6_cidr_block);
    routesOf.set(table, [...(routesOf.get(table) ?? []), { destination, nat, igw }]);
  };
  for (const table of stack.ofType("aws_route_table")) for (const route of blocks(table.config.route)) addRoute(table.address, route);
  for (const route of stack.ofType("aws_route")) addRoute(stack.target(route.config.route_table_id, "aws_route_table")?.address, route.config);
  const tableOfSubnet = new Map<string, string>();
  for (const association of stack.ofType("aws_route_table_association")) {
    const subnet = stack.target(association.config.subnet_id, "aws_subnet")?.address;
    const table = stack.target(association.config.route_table_id, "aws_route_table")?.address;
    if (subnet && table) tableOfSubnet.set(subnet, table);
  }
  const subnetRoutes = (subnet: string) => routesOf.get(tableOfSubnet.get(subnet) ?? "") ?? [];

  // VPCs, then one subgraph per subnet tier (ordered by address: public, private, database, …).
  for (const vpc of stack.ofType("aws_vpc")) {
    graph.group(vpc.address, [`VPC ${displayName(vpc)}`, shown(vpc.config.cidr_block)]);
  }
  const tiers = new Map<string, AwsSubnet[]>();
  for (const subnet of subnets.values()) tiers.set(tierGroup(subnet), [...(tiers.get(tierGroup(subnet)) ?? []), subnet]);
  const tierOrder = [...tiers.entries()].sort(
    ([a, left], [b, right]) =>
      Math.min(...left.map((s) => ipv4ToNumber(s.cidr))) - Math.min(...right.map((s) => ipv4ToNumber(s.cidr))) || a.localeCompare(b),
  );
  for (const [group, members] of tierOrder) {
    const defaults = unique(
      members.flatMap((subnet) =>
        subnetRoutes(subnet.address).filter((route) => route.destination === "0.0.0.0/0").map((route) => (route.nat ? "NAT gateway" : "internet gateway")),
      ),
    );
    const routeLine = defaults.length === 0 ? "no route to the internet" : `default route: ${defaults.join(", ")}`;
    graph.group(group, [`${members[0].tier} subnets`, routeLine], members[0].vpc);
    const ordered = [...members].sort((a, b) => a.zone.localeCompare(b.zone) || ipv4ToNumber(a.cidr) - ipv4ToNumber(b.cidr));
    for (const subnet of ordered) graph.node(subnet.address, [subnet.zone, subnet.cidr], "box", "network", group);
  }

  // NAT egress: subnet → NAT gateway (its route) → internet gateway (the NAT subnet's route) → internet.
  for (const nat of stack.ofType("aws_nat_gateway")) {
    const home = subnetsOf(nat.config.subnet_id);
    const connectivity = nat.config.connectivity_type ?? "public";
    graph.node(nat.address, [`NAT gateway ${home[0]?.zone ?? ""}`.trim(), `${connectivity}${nat.config.allocation_id ? ", Elastic IP" : ""}`], "hexagon", "network", placeIn(home));
    for (const route of home.flatMap((subnet) => subnetRoutes(subnet.address))) {
      if (!route.igw) continue;
      addInternetGateway(graph, stack, route.igw);
      graph.edge(nat.address, route.igw, ["egress"]);
    }
  }
  for (const subnet of subnets.values()) {
    for (const route of subnetRoutes(subnet.address)) {
      if (route.nat) graph.edge(subnet.address, route.nat, [route.destination]);
    }
  }

  // DNS: alias (or CNAME) records pointing at a load balancer.
  const hostnames = new Map<string, Map<string, string[]>>();
  for (const record of stack.ofType("aws_route53_record")) {
    const zone = stack.target(record.config.zone_id, "aws_route53_zone")?.address;
    const lbs = stack.targetsIn([record.config.alias, record.config.records], ...AWS_LB);
    if (!zone) continue;
    for (const lb of lbs) {
      const byLb = hostnames.get(zone) ?? new Map<string, string[]>();
      byLb.set(lb, unique([...(byLb.get(lb) ?? []), `${shown(record.config.name)} (${shown(record.config.type)})`]));
      hostnames.set(zone, byLb);
    }
  }
  for (const zone of stack.ofType("aws_route53_zone")) {
    const isPrivate = blocks(zone.config.vpc).length > 0;
    graph.node(zone.address, [`Route 53 zone ${shown(zone.config.name)}`, isPrivate ? "private" : "public"], "stadium", "frontend");
    if (!isPrivate) {
      addInternet(graph);
      graph.edge(INTERNET, zone.address, ["DNS"]);
    }
  }

  // Load balancers with their listeners, rules and target groups, one subgraph each.
  const groupOfTargetGroup = new Map<string, string>();
  const rulesByListener = new Map<string, StackResource[]>();
  for (const rule of stack.ofType(...AWS_RULE)) {
    const listener = stack.target(rule.config.listener_arn, ...AWS_LISTENER)?.address;
    if (listener) rulesByListener.set(listener, [...(rulesByListener.get(listener) ?? []), rule]);
  }
  const listeners = stack.ofType(...AWS_LISTENER);
  for (const lb of stack.ofType(...AWS_LB)) {
    const group = `group:${lb.address}`;
    const type = lb.config.load_balancer_type ?? "application";
    graph.group(group, [`${type === "application" ? "Application" : type === "network" ? "Network" : "Gateway"} Load Balancer ${displayName(lb)}`]);
    const lbSubnets = subnetsOf(lb.config.subnets ?? lb.config.subnet_mapping);
    graph.node(
      lb.address,
      [`${lb.config.internal === true ? "internal" : "internet-facing"} ${type} load balancer`, ...(lbSubnets.length > 0 ? [zonesOf(lbSubnets)] : [])],
      "stadium",
      "frontend",
      group,
    );
    for (const [zone, byLb] of hostnames) if (byLb.has(lb.address)) graph.edge(zone, lb.address, byLb.get(lb.address)!);

    const own = listeners.filter((listener) => stack.target(listener.config.load_balancer_arn, ...AWS_LB)?.address === lb.address);
    for (const listener of own) {
      const protocol = shown(listener.config.protocol ?? (listener.config.certificate_arn ? "HTTPS" : "HTTP"));
      const lines = [`${protocol} ${shown(listener.config.port)}`];
      const certificates = [
        listener.config.certificate_arn,
        ...stack
          .ofType("aws_lb_listener_certificate")
          .filter((extra) => stack.mentions(extra.config.listener_arn, listener.address))
          .map((extra) => extra.config.certificate_arn),
      ];
      for (const certificate of certificates) if (certificate !== undefined) lines.push(awsCertificate(stack, certificate));
      if (listener.config.ssl_policy) lines.push(`TLS policy ${shown(listener.config.ssl_policy)}`);
      const actions = blocks(listener.config.default_action);
      lines.push(...actions.map((action) => `default: ${awsActionText(action)}`));
      graph.node(listener.address, lines, "box", "frontend", group);
      graph.edge(lb.address, listener.address);
      for (const action of actions) {
        const redirect = action.redirect;
        if (action.type === "redirect" && redirect) {
          const port = String(redirect.port ?? "#{port}");
          const target = own.find(
            (other) => other.address !== listener.address && String(other.config.port) === port && (redirect.protocol === undefined || other.config.protocol === redirect.protocol),
          );
          if (target) graph.edge(listener.address, target.address, [`redirect ${redirectStatus(redirect.status_code)}`], true);
        }
        for (const targetGroup of awsForwardTargets(stack, action)) {
          groupOfTargetGroup.set(targetGroup, groupOfTargetGroup.get(targetGroup) ?? group);
          graph.edge(listener.address, targetGroup, ["default"]);
        }
      }

      const rules = [...(rulesByListener.get(listener.address) ?? [])].sort(
        (a, b) => Number(a.config.priority ?? Infinity) - Number(b.config.priority ?? Infinity) || a.logicalId.localeCompare(b.logicalId),
      );
      for (const rule of rules) {
        const ruleLines = [`rule ${rule.config.priority !== undefined ? `priority ${shown(rule.config.priority)}` : rule.logicalId}`];
        ruleLines.push(...blocks(rule.config.condition).flatMap(awsConditionLines));
        const ruleActions = blocks(rule.config.action);
        ruleLines.push(...ruleActions.filter((action) => awsForwardTargets(stack, action).length === 0).map(awsActionText));
        graph.node(rule.address, ruleLines, "hexagon", "frontend", group);
        graph.edge(listener.address, rule.address);
        for (const action of ruleActions) {
          for (const targetGroup of awsForwardTargets(stack, action)) {
            groupOfTargetGroup.set(targetGroup, groupOfTargetGroup.get(targetGroup) ?? group);
            graph.edge(rule.address, targetGroup, ["forward"]);
          }
        }
      }
    }
  }
  for (const targetGroup of stack.ofType(...AWS_TARGET_GROUP)) {
    const body = targetGroup.config;
    const lines = [`target group ${displayName(targetGroup)}`, `${shown(body.protocol ?? "HTTP")} ${shown(body.port)} (${shown(body.target_type ?? "instance")})`];
    const health = blocks(body.health_check)[0];
    if (health?.path) lines.push(`health check ${shown(health.path)}`);
    graph.node(targetGroup.address, lines, "box", "frontend", groupOfTargetGroup.get(targetGroup.address));
  }

  // Instance groups: target group → Auto Scaling group → launch template.
  const groupsBySecurityGroup = new Map<string, string[]>();
  const attachments = stack.ofType("aws_autoscaling_attachment", "aws_autoscaling_traffic_source_attachment");
  const policies = stack.ofType("aws_autoscaling_policy");
  for (const asg of stack.ofType("aws_autoscaling_group")) {
    const body = asg.config;
    const templates = stack
      .targetsIn([body.launch_template, body.mixed_instances_policy?.launch_template?.launch_template_specification], "aws_launch_template")
      .map((key) => stack.get(key)!);
    const overrides = blocks(body.mixed_instances_policy?.launch_template?.override).map((override) => override.instance_type).filter(isString);
    const instanceTypes = unique([...overrides, ...templates.map((template) => template.config.instance_type).filter(isString)]);
    const members = subnetsOf(body.vpc_zone_identifier);
    const lines = [
      `Auto Scaling group ${displayName(asg)}`,
      instanceTypes.length > 0 ? instanceTypes.join(", ") : "instance type: ?",
      `${counted(range(body.min_size, body.max_size), "instance")}${body.desired_capacity !== undefined ? ` (desired ${shown(body.desired_capacity)})` : ""}`,
    ];
    for (const policy of policies.filter((p) => stack.mentions(p.config.autoscaling_group_name, asg.address))) {
      const tracking = policy.config.target_tracking_configuration;
      const metric = tracking?.predefined_metric_specification?.predefined_metric_type;
      if (tracking?.target_value !== undefined) {
        lines.push(`${AWS_PREDEFINED_METRICS[metric] ?? metric ?? "custom metric"} target ${shown(tracking.target_value)}${metric === "ASGAverageCPUUtilization" ? "%" : ""}`);
      }
    }
    if (members.length > 0) lines.push(zonesOf(members));
    graph.node(asg.address, lines, "box", "compute", placeIn(members));

    const targetGroups = unique([
      ...stack.targetsIn(body.target_group_arns, ...AWS_TARGET_GROUP),
      ...attachments
        .filter((attachment) => stack.mentions(attachment.config.autoscaling_group_name, asg.address))
        .flatMap((attachment) => stack.targetsIn([attachment.config.lb_target_group_arn, attachment.config.traffic_source], ...AWS_TARGET_GROUP)),
    ]);
    for (const targetGroup of targetGroups) {
      const port = stack.get(targetGroup)?.config.port;
      graph.edge(targetGroup, asg.address, port !== undefined ? [`port ${shown(port)}`] : []);
    }
    for (const template of templates) {
      const securityGroups = stack.targetsIn(
        [template.config.vpc_security_group_ids, template.config.security_group_names, blocks(template.config.network_interfaces).map((nic) => nic.security_groups)],
        "aws_security_group",
      );
      for (const sg of securityGroups) groupsBySecurityGroup.set(sg, unique([...(groupsBySecurityGroup.get(sg) ?? []), asg.address]));
    }
  }

  // Databases, and who may reach them: ingress rules whose source is an instance group's security group.
  const ingress = awsIngressPermissions(stack);
  for (const db of stack.ofType("aws_db_instance")) {
    const body = db.config;
    const subnetGroup = stack.target(body.db_subnet_group_name, "aws_db_subnet_group");
    const members = subnetsOf(subnetGroup?.config.subnet_ids);
    const storage = body.max_allocated_storage ? `${shown(body.allocated_storage)}–${shown(body.max_allocated_storage)} GB` : `${shown(body.allocated_storage)} GB`;
    const lines = [
      `RDS ${displayName(db)}`,
      `${shown(body.engine)} ${shown(body.engine_version)}`,
      `${shown(body.instance_class)}, ${storage}`,
      body.multi_az === true || body.multi_az === "true" ? "multi-AZ" : "single-AZ",
    ];
    if (members.length > 0) lines.push(zonesOf(members));
    graph.node(db.address, lines, "cylinder", "data", placeIn(members));
    for (const sg of stack.targetsIn(body.vpc_security_group_ids, "aws_security_group")) {
      for (const permission of ingress.filter((item) => item.target === sg)) {
        for (const asg of groupsBySecurityGroup.get(permission.source) ?? []) graph.edge(asg, db.address, [permission.ports]);
      }
    }
  }
}

function addInternetGateway(graph: Graph, stack: StackResources, key: string): void {
  const igw = stack.get(key)!;
  const vpc = stack.target(igw.config.vpc_id, "aws_vpc")?.address;
  graph.node(key, [`internet gateway ${displayName(igw)}`], "hexagon", "network", vpc);
  addInternetEgress(graph);
  graph.edge(key, INTERNET_EGRESS);
}

function awsCertificate(stack: StackResources, value: unknown): string {
  let certificate = stack.target(value, "aws_acm_certificate", "aws_acm_certificate_validation", "aws_iam_server_certificate");
  let validated = false;
  if (certificate?.type === "aws_acm_certificate_validation") {
    validated = true;
    certificate = stack.target(certificate.config.certificate_arn, "aws_acm_certificate");
  }
  if (!certificate) return `certificate ${shown(value)}`;
  if (certificate.type === "aws_iam_server_certificate") return `certificate (IAM) ${displayName(certificate)}`;
  const domains = unique([certificate.config.domain_name, ...blocks(certificate.config.subject_alternative_names)].filter(isString));
  const method = certificate.config.validation_method ? `, ${String(certificate.config.validation_method)}-validated` : "";
  return `certificate (ACM${validated ? method : ""}): ${listOrNone(domains)}`;
}

function redirectStatus(code: unknown): string {
  return String(code ?? "").replace(/^HTTP_/, "") || "redirect";
}

function awsActionText(action: any): string {
  switch (action?.type) {
    case "redirect": {
      const redirect = action.redirect ?? {};
      return `redirect → ${shown(redirect.protocol ?? "#{protocol}")} ${shown(redirect.port ?? "#{port}")} (${redirectStatus(redirect.status_code)})`;
    }
    case "fixed-response":
      return `fixed response ${shown(action.fixed_response?.status_code)}`;
    case "forward":
      return "forward";
    default:
      return shown(action?.type ?? "action");
  }
}

function awsForwardTargets(stack: StackResources, action: any): string[] {
  if (action?.type !== "forward") return [];
  return stack.targetsIn(
    [action.target_group_arn, blocks(action.forward?.target_group).map((target) => target.arn)],
    ...AWS_TARGET_GROUP,
  );
}

function awsConditionLines(condition: any): string[] {
  const lines: string[] = [];
  for (const [kind, value] of Object.entries(condition ?? {})) {
    const values = blocks((value as any)?.values).map(shown);
    if (kind === "host_header") lines.push(...values.map((host) => `host ${host}`));
    else if (kind === "path_pattern") lines.push(...values.map((path) => `path ${path}`));
    else if (kind === "http_header") lines.push(`header ${shown((value as any)?.http_header_name)}: ${values.join(", ")}`);
    else lines.push(`${kind.replace(/_/g, " ")}${values.length > 0 ? ` ${values.join(", ")}` : ""}`);
  }
  return lines;
}

function awsIngressPermissions(stack: StackResources): { target: string; source: string; ports: string }[] {
  const ports = (protocol: unknown, from: unknown, to: unknown) => {
    const name = protocol === "-1" || protocol === "all" ? "all traffic" : shown(protocol ?? "tcp");
    return protocol === "-1" || protocol === "all" ? name : `${name} ${range(from, to)}`;
  };
  const permissions: { target: string; source: string; ports: string }[] = [];
  for (const rule of stack.ofType("aws_vpc_security_group_ingress_rule")) {
    const target = stack.target(rule.config.security_group_id, "aws_security_group")?.address;
    const source = stack.target(rule.config.referenced_security_group_id, "aws_security_group")?.address;
    if (target && source) permissions.push({ target, source, ports: ports(rule.config.ip_protocol, rule.config.from_port, rule.config.to_port) });
  }
  for (const rule of stack.ofType("aws_security_group_rule")) {
    if (rule.config.type !== "ingress") continue;
    const target = stack.target(rule.config.security_group_id, "aws_security_group")?.address;
    const source = stack.target(rule.config.source_security_group_id, "aws_security_group")?.address;
    if (target && source) permissions.push({ target, source, ports: ports(rule.config.protocol, rule.config.from_port, rule.config.to_port) });
  }
  for (const sg of stack.ofType("aws_security_group")) {
    for (const rule of blocks(sg.config.ingress)) {
      for (const source of stack.targetsIn(rule.security_groups, "aws_security_group")) {
        permissions.push({ target: sg.address, source, ports: ports(rule.protocol, rule.from_port, rule.to_port) });
      }
    }
  }
  return permissions;
}

function ipv4ToNumber(cidr: string): number {
  const parts = cidr.split("/")[0].split(".").map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part))) return Number.MAX_SAFE_INTEGER;
  return ((parts[0] * 256 + parts[1]) * 256 + parts[2]) * 256 + parts[3];
}
