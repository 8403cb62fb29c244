/**
 * AWS request path as a diagram: Route 53, load balancers with their listeners, rules and target
 * groups, Auto Scaling groups, RDS and who may reach it. The network (VPC, subnet tiers, NAT and
 * internet gateways) is aws-network.ts's diagram.
 */
import { blocks, StackResource, StackResources } from "../lib/terraform-json";
import { AwsSubnets, placement } from "./aws-subnets";
import { addInternet, counted, displayName, Graph, INTERNET, isString, listOrNone, range, shown, unique } from "./graph";

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


export function awsRequestPath(graph: Graph, stack: StackResources): void {
  const subnets = new AwsSubnets(stack);

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

  // Load balancers with their listeners, rules and target groups: a chain, top to bottom.
  const rulesByListener = new Map<string, StackResource[]>();
  for (const rule of stack.ofType(...AWS_RULE)) {
    const listener = stack.target(rule.config.listener_arn, ...AWS_LISTENER)?.address;
    if (listener) rulesByListener.set(listener, [...(rulesByListener.get(listener) ?? []), rule]);
  }
  const listeners = stack.ofType(...AWS_LISTENER);
  for (const lb of stack.ofType(...AWS_LB)) {
    const type = lb.config.load_balancer_type ?? "application";
    const lbSubnets = subnets.in(lb.config.subnets ?? lb.config.subnet_mapping);
    graph.node(
      lb.address,
      [
        `${type === "application" ? "Application" : type === "network" ? "Network" : "Gateway"} Load Balancer ${displayName(lb)}`,
        lb.config.internal === true ? "internal" : "internet-facing",
        ...(lbSubnets.length > 0 ? [placement(lbSubnets)] : []),
      ],
      "stadium",
      "frontend",
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
      graph.node(listener.address, lines, "box", "frontend");
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
        graph.node(rule.address, ruleLines, "hexagon", "frontend");
        graph.edge(listener.address, rule.address);
        for (const action of ruleActions) {
          for (const targetGroup of awsForwardTargets(stack, action)) {
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
    graph.node(targetGroup.address, lines, "box", "frontend");
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
    const members = subnets.in(body.vpc_zone_identifier);
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
    if (members.length > 0) lines.push(placement(members));
    graph.node(asg.address, lines, "box", "compute");

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
    const members = subnets.in(subnetGroup?.config.subnet_ids);
    const storage = body.max_allocated_storage ? `${shown(body.allocated_storage)}–${shown(body.max_allocated_storage)} GB` : `${shown(body.allocated_storage)} GB`;
    const lines = [
      `RDS ${displayName(db)}`,
      `${shown(body.engine)} ${shown(body.engine_version)}`,
      `${shown(body.instance_class)}, ${storage}`,
      body.multi_az === true || body.multi_az === "true" ? "multi-AZ" : "single-AZ",
    ];
    if (members.length > 0) lines.push(placement(members));
    graph.node(db.address, lines, "cylinder", "data");
    for (const sg of stack.targetsIn(body.vpc_security_group_ids, "aws_security_group")) {
      for (const permission of ingress.filter((item) => item.target === sg)) {
        for (const asg of groupsBySecurityGroup.get(permission.source) ?? []) graph.edge(asg, db.address, [permission.ports]);
      }
    }
  }
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
