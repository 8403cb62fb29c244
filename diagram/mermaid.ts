/**
 * Mermaid flowcharts of a synthesized stack's topology (`npm run diagram`).
 *
 * Pure: Terraform JSON in, text out. Every node and edge comes from the stack's resources and
 * the `${type.logicalId.attr}` references between them, never from resource names, so the
 * picture changes when the code does. Nothing here imports cdktf or a provider package.
 */

// ---------------------------------------------------------------------------------------------
// Reading the synthesized JSON
// ---------------------------------------------------------------------------------------------

interface Resource {
  /** `type.logicalId`, the address Terraform uses. */
  readonly key: string;
  readonly type: string;
  readonly id: string;
  readonly body: any;
}

interface Reference {
  readonly key: string;
  readonly type: string;
  readonly id: string;
  /** Attribute path after the logical id, e.g. `arn` or `instance_group`. */
  readonly attribute: string;
}

const EXACT_REFERENCE = /^\$\{([A-Za-z0-9_]+)\.([^.\s}]+)\.([^}]+)\}$/;
// References inside larger expressions (for-expressions, interpolations).
const EMBEDDED_REFERENCE = /\b([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([a-z_][a-z0-9_]*)/g;

class StackResources {
  private readonly resources: Record<string, Record<string, any>>;

  constructor(json: any) {
    this.resources = json?.resource ?? {};
  }

  /** Resources of the given types, ordered by type list then logical id (stable output). */
  ofType(...types: string[]): Resource[] {
    return types.flatMap((type) =>
      Object.keys(this.resources[type] ?? {})
        .sort()
        .map((id) => ({ key: `${type}.${id}`, type, id, body: this.resources[type][id] ?? {} })),
    );
  }

  get(key: string): Resource | undefined {
    const dot = key.indexOf(".");
    const type = key.slice(0, dot);
    const id = key.slice(dot + 1);
    const body = this.resources[type]?.[id];
    return body === undefined ? undefined : { key, type, id, body };
  }

  /** The resource a value points at when the value is exactly one `${type.id.attr}` reference. */
  reference(value: unknown): Reference | undefined {
    if (typeof value !== "string") return undefined;
    const match = EXACT_REFERENCE.exec(value);
    if (!match || this.resources[match[1]]?.[match[2]] === undefined) return undefined;
    return { key: `${match[1]}.${match[2]}`, type: match[1], id: match[2], attribute: match[3] };
  }

  /** The referenced resource itself. */
  target(value: unknown, ...types: string[]): Resource | undefined {
    const ref = this.reference(value);
    if (!ref || (types.length > 0 && !types.includes(ref.type))) return undefined;
    return this.get(ref.key);
  }

  /** Every resource referenced anywhere inside a value (strings, arrays, objects), in order. */
  referencesIn(value: unknown): Reference[] {
    const found: Reference[] = [];
    const visit = (item: unknown): void => {
      if (typeof item === "string") {
        for (const match of item.matchAll(EMBEDDED_REFERENCE)) {
          if (this.resources[match[1]]?.[match[2]] !== undefined) {
            found.push({ key: `${match[1]}.${match[2]}`, type: match[1], id: match[2], attribute: match[3] });
          }
        }
      } else if (Array.isArray(item)) item.forEach(visit);
      else if (item && typeof item === "object") Object.values(item).forEach(visit);
    };
    visit(value);
    return found;
  }

  /** Keys of the resources of `types` referenced anywhere inside a value, deduplicated. */
  targetsIn(value: unknown, ...types: string[]): string[] {
    return unique(
      this.referencesIn(value)
        .filter((ref) => types.length === 0 || types.includes(ref.type))
        .map((ref) => ref.key),
    );
  }

  /** Whether a value references the resource `key`. */
  refersTo(value: unknown, key: string): boolean {
    return this.referencesIn(value).some((ref) => ref.key === key);
  }

  /**
   * A literal value, following a reference to another resource's top-level attribute when the
   * value is one (e.g. the router NAT's `region` is `${google_compute_router.x.region}`).
   */
  literal(value: unknown, depth = 0): unknown {
    const ref = this.reference(value);
    if (!ref || depth > 5) return value;
    const attribute = this.get(ref.key)?.body?.[ref.attribute];
    return attribute === undefined ? value : this.literal(attribute, depth + 1);
  }
}

function asArray(value: unknown): any[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function displayName(resource: Resource): string {
  const body = resource.body;
  const name = body.name ?? body.identifier ?? body.tags?.Name ?? body.secret_id;
  return typeof name === "string" && !name.startsWith("${") ? name : resource.id;
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

/** A value fit for display: references that cannot be followed show as "(computed)". */
function shown(value: unknown): string {
  if (value === undefined || value === null) return "?";
  const text = String(value);
  return text.includes("${") ? "(computed)" : text;
}

function ipv4ToNumber(cidr: string): number {
  const parts = cidr.split("/")[0].split(".").map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part))) return Number.MAX_SAFE_INTEGER;
  return ((parts[0] * 256 + parts[1]) * 256 + parts[2]) * 256 + parts[3];
}

function range(min: unknown, max: unknown): string {
  return min === max ? `${shown(min)}` : `${shown(min)}–${shown(max)}`;
}

function listOrNone(values: string[]): string {
  return values.length > 0 ? values.join(", ") : "none";
}

// ---------------------------------------------------------------------------------------------
// The graph and its Mermaid rendering
// ---------------------------------------------------------------------------------------------

type Shape = "box" | "round" | "stadium" | "cylinder" | "circle" | "hexagon";
type NodeClass = "external" | "frontend" | "compute" | "data" | "network";

interface GraphNode {
  readonly id: string;
  readonly lines: string[];
  readonly shape: Shape;
  readonly cls: NodeClass;
  readonly group?: string;
}

interface GraphGroup {
  readonly id: string;
  readonly lines: string[];
  readonly parent?: string;
}

interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly lines: string[];
  readonly dotted: boolean;
}

const SHAPES: Record<Shape, [string, string]> = {
  box: ["[", "]"],
  round: ["(", ")"],
  stadium: ["([", "])"],
  cylinder: ["[(", ")]"],
  circle: ["((", "))"],
  hexagon: ["{{", "}}"],
};

const CLASS_STYLES: Record<NodeClass, string> = {
  external: "fill:#f5f5f5,stroke:#616161",
  frontend: "fill:#e3f2fd,stroke:#1565c0",
  compute: "fill:#fff3e0,stroke:#e65100",
  data: "fill:#ede7f6,stroke:#4527a0",
  network: "fill:#e8f5e9,stroke:#2e7d32",
};

// Words the flowchart grammar reserves; an id equal to one of them breaks the parse.
const RESERVED_IDS = new Set(["end", "subgraph", "graph", "flowchart", "style", "class", "classdef", "click", "linkstyle", "direction", "default"]);

/** Makes text safe inside a quoted Mermaid label (`["…"]`, `|"…"|`). */
export function escapeMermaidText(text: string): string {
  return text
    .replace(/#/g, "#35;")
    .replace(/"/g, "#quot;")
    .replace(/&/g, "#38;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/\|/g, "#124;")
    .replace(/`/g, "#96;")
    .replace(/%/g, "#37;")
    .replace(/[\r\n]+/g, " ");
}

/** Quoted label with one `<br/>` per line. */
export function mermaidLabel(lines: string[]): string {
  return `"${lines.map(escapeMermaidText).join("<br/>")}"`;
}

/** Sanitizes a resource address to `[A-Za-z0-9_]` and keeps ids unique per diagram. */
class IdRegistry {
  private readonly byKey = new Map<string, string>();
  private readonly used = new Set<string>();

  id(key: string): string {
    const known = this.byKey.get(key);
    if (known) return known;
    let base = key.replace(/[^A-Za-z0-9_]/g, "_");
    if (!/^[A-Za-z]/.test(base) || RESERVED_IDS.has(base.toLowerCase())) base = `n_${base}`;
    let candidate = base;
    for (let suffix = 2; this.used.has(candidate); suffix++) candidate = `${base}_${suffix}`;
    this.used.add(candidate);
    this.byKey.set(key, candidate);
    return candidate;
  }
}

class Graph {
  private readonly ids = new IdRegistry();
  private readonly nodes = new Map<string, GraphNode>();
  private readonly groups = new Map<string, GraphGroup>();
  private readonly edges: GraphEdge[] = [];
  private readonly edgeKeys = new Set<string>();

  /** Mermaid id of a node or group key (created on first use). */
  id(key: string): string {
    return this.ids.id(key);
  }

  hasGroup(key: string): boolean {
    return this.groups.has(this.id(key));
  }

  node(key: string, lines: string[], shape: Shape, cls: NodeClass, groupKey?: string): void {
    const id = this.id(key);
    if (this.nodes.has(id)) return;
    const group = groupKey !== undefined && this.hasGroup(groupKey) ? this.id(groupKey) : undefined;
    this.nodes.set(id, { id, lines, shape, cls, group });
  }

  group(key: string, lines: string[], parentKey?: string): void {
    const id = this.id(key);
    if (this.groups.has(id)) return;
    const parent = parentKey !== undefined && this.hasGroup(parentKey) ? this.id(parentKey) : undefined;
    this.groups.set(id, { id, lines, parent });
  }

  edge(fromKey: string, toKey: string, lines: string[] = [], dotted = false): void {
    const from = this.id(fromKey);
    const to = this.id(toKey);
    const signature = `${from}|${to}|${lines.join("\n")}|${dotted}`;
    if (this.edgeKeys.has(signature)) return;
    this.edgeKeys.add(signature);
    this.edges.push({ from, to, lines, dotted });
  }

  render(title: string): string {
    const out = ["flowchart LR", `  %% ${title.replace(/[\r\n]+/g, " ")}`];
    const renderNode = (node: GraphNode, indent: string) => {
      const [open, close] = SHAPES[node.shape];
      out.push(`${indent}${node.id}${open}${mermaidLabel(node.lines)}${close}`);
    };
    const renderGroup = (group: GraphGroup, indent: string) => {
      // Subgraph titles are laid out on one line: a second line would overlap the first node.
      out.push(`${indent}subgraph ${group.id}[${mermaidLabel([group.lines.join(" · ")])}]`);
      for (const node of this.nodes.values()) if (node.group === group.id) renderNode(node, `${indent}  `);
      for (const child of this.groups.values()) if (child.parent === group.id) renderGroup(child, `${indent}  `);
      out.push(`${indent}end`);
    };
    for (const node of this.nodes.values()) if (node.group === undefined) renderNode(node, "  ");
    for (const group of this.groups.values()) if (group.parent === undefined) renderGroup(group, "  ");
    // Edges whose ends were never declared would create bare, unlabeled nodes: leave them out.
    const declared = new Set([...this.nodes.keys(), ...this.groups.keys()]);
    for (const edge of this.edges) {
      if (!declared.has(edge.from) || !declared.has(edge.to)) continue;
      const arrow = edge.dotted ? "-.->" : "-->";
      const label = edge.lines.length > 0 ? `|${mermaidLabel(edge.lines)}| ` : " ";
      out.push(`  ${edge.from} ${arrow}${label}${edge.to}`);
    }
    for (const cls of Object.keys(CLASS_STYLES) as NodeClass[]) {
      const members = [...this.nodes.values()].filter((node) => node.cls === cls).map((node) => node.id);
      if (members.length === 0) continue;
      out.push(`  classDef ${cls} ${CLASS_STYLES[cls]}`);
      out.push(`  class ${members.join(",")} ${cls}`);
    }
    return `${out.join("\n")}\n`;
  }
}

const INTERNET = "internet";
const INTERNET_EGRESS = "internet-egress";

function addInternet(graph: Graph): void {
  graph.node(INTERNET, ["Internet", "clients"], "circle", "external");
}

function addInternetEgress(graph: Graph): void {
  graph.node(INTERNET_EGRESS, ["Internet", "egress"], "circle", "external");
}

// ---------------------------------------------------------------------------------------------
// AWS
// ---------------------------------------------------------------------------------------------

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
  readonly key: string;
  readonly vpc?: string;
  readonly tier: string;
  readonly zone: string;
  readonly cidr: string;
}

function awsDiagram(graph: Graph, stack: StackResources): void {
  const subnets = new Map<string, AwsSubnet>();
  for (const subnet of stack.ofType("aws_subnet")) {
    const body = subnet.body;
    subnets.set(subnet.key, {
      key: subnet.key,
      vpc: stack.target(body.vpc_id, "aws_vpc")?.key,
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
    const nat = stack.target(route.nat_gateway_id, "aws_nat_gateway")?.key;
    const igw = stack.target(route.gateway_id, "aws_internet_gateway")?.key;
    if (!nat && !igw) return;
    const destination = shown(route.destination_cidr_block ?? route.cidr_block ?? route.destination_ipv6_cidr_block ?? route.ipv6_cidr_block);
    routesOf.set(table, [...(routesOf.get(table) ?? []), { destination, nat, igw }]);
  };
  for (const table of stack.ofType("aws_route_table")) for (const route of asArray(table.body.route)) addRoute(table.key, route);
  for (const route of stack.ofType("aws_route")) addRoute(stack.target(route.body.route_table_id, "aws_route_table")?.key, route.body);
  const tableOfSubnet = new Map<string, string>();
  for (const association of stack.ofType("aws_route_table_association")) {
    const subnet = stack.target(association.body.subnet_id, "aws_subnet")?.key;
    const table = stack.target(association.body.route_table_id, "aws_route_table")?.key;
    if (subnet && table) tableOfSubnet.set(subnet, table);
  }
  const subnetRoutes = (subnet: string) => routesOf.get(tableOfSubnet.get(subnet) ?? "") ?? [];

  // VPCs, then one subgraph per subnet tier (ordered by address: public, private, database, …).
  for (const vpc of stack.ofType("aws_vpc")) {
    graph.group(vpc.key, [`VPC ${displayName(vpc)}`, shown(vpc.body.cidr_block)]);
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
        subnetRoutes(subnet.key).filter((route) => route.destination === "0.0.0.0/0").map((route) => (route.nat ? "NAT gateway" : "internet gateway")),
      ),
    );
    const routeLine = defaults.length === 0 ? "no route to the internet" : `default route: ${defaults.join(", ")}`;
    graph.group(group, [`${members[0].tier} subnets`, routeLine], members[0].vpc);
    const ordered = [...members].sort((a, b) => a.zone.localeCompare(b.zone) || ipv4ToNumber(a.cidr) - ipv4ToNumber(b.cidr));
    for (const subnet of ordered) graph.node(subnet.key, [subnet.zone, subnet.cidr], "box", "network", group);
  }

  // NAT egress: subnet → NAT gateway (its route) → internet gateway (the NAT subnet's route) → internet.
  for (const nat of stack.ofType("aws_nat_gateway")) {
    const home = subnetsOf(nat.body.subnet_id);
    const connectivity = nat.body.connectivity_type ?? "public";
    graph.node(nat.key, [`NAT gateway ${home[0]?.zone ?? ""}`.trim(), `${connectivity}${nat.body.allocation_id ? ", Elastic IP" : ""}`], "hexagon", "network", placeIn(home));
    for (const route of home.flatMap((subnet) => subnetRoutes(subnet.key))) {
      if (!route.igw) continue;
      addInternetGateway(graph, stack, route.igw);
      graph.edge(nat.key, route.igw, ["egress"]);
    }
  }
  for (const subnet of subnets.values()) {
    for (const route of subnetRoutes(subnet.key)) {
      if (route.nat) graph.edge(subnet.key, route.nat, [route.destination]);
    }
  }

  // DNS: alias (or CNAME) records pointing at a load balancer.
  const hostnames = new Map<string, Map<string, string[]>>();
  for (const record of stack.ofType("aws_route53_record")) {
    const zone = stack.target(record.body.zone_id, "aws_route53_zone")?.key;
    const lbs = stack.targetsIn([record.body.alias, record.body.records], ...AWS_LB);
    if (!zone) continue;
    for (const lb of lbs) {
      const byLb = hostnames.get(zone) ?? new Map<string, string[]>();
      byLb.set(lb, unique([...(byLb.get(lb) ?? []), `${shown(record.body.name)} (${shown(record.body.type)})`]));
      hostnames.set(zone, byLb);
    }
  }
  for (const zone of stack.ofType("aws_route53_zone")) {
    const isPrivate = asArray(zone.body.vpc).length > 0;
    graph.node(zone.key, [`Route 53 zone ${shown(zone.body.name)}`, isPrivate ? "private" : "public"], "stadium", "frontend");
    if (!isPrivate) {
      addInternet(graph);
      graph.edge(INTERNET, zone.key, ["DNS"]);
    }
  }

  // Load balancers with their listeners, rules and target groups, one subgraph each.
  const groupOfTargetGroup = new Map<string, string>();
  const rulesByListener = new Map<string, Resource[]>();
  for (const rule of stack.ofType(...AWS_RULE)) {
    const listener = stack.target(rule.body.listener_arn, ...AWS_LISTENER)?.key;
    if (listener) rulesByListener.set(listener, [...(rulesByListener.get(listener) ?? []), rule]);
  }
  const listeners = stack.ofType(...AWS_LISTENER);
  for (const lb of stack.ofType(...AWS_LB)) {
    const group = `group:${lb.key}`;
    const type = lb.body.load_balancer_type ?? "application";
    graph.group(group, [`${type === "application" ? "Application" : type === "network" ? "Network" : "Gateway"} Load Balancer ${displayName(lb)}`]);
    const lbSubnets = subnetsOf(lb.body.subnets ?? lb.body.subnet_mapping);
    graph.node(
      lb.key,
      [`${lb.body.internal === true ? "internal" : "internet-facing"} ${type} load balancer`, ...(lbSubnets.length > 0 ? [zonesOf(lbSubnets)] : [])],
      "stadium",
      "frontend",
      group,
    );
    for (const [zone, byLb] of hostnames) if (byLb.has(lb.key)) graph.edge(zone, lb.key, byLb.get(lb.key)!);

    const own = listeners.filter((listener) => stack.target(listener.body.load_balancer_arn, ...AWS_LB)?.key === lb.key);
    for (const listener of own) {
      const protocol = shown(listener.body.protocol ?? (listener.body.certificate_arn ? "HTTPS" : "HTTP"));
      const lines = [`${protocol} ${shown(listener.body.port)}`];
      const certificates = [
        listener.body.certificate_arn,
        ...stack
          .ofType("aws_lb_listener_certificate")
          .filter((extra) => stack.refersTo(extra.body.listener_arn, listener.key))
          .map((extra) => extra.body.certificate_arn),
      ];
      for (const certificate of certificates) if (certificate !== undefined) lines.push(awsCertificate(stack, certificate));
      if (listener.body.ssl_policy) lines.push(`TLS policy ${shown(listener.body.ssl_policy)}`);
      const actions = asArray(listener.body.default_action);
      lines.push(...actions.map((action) => `default: ${awsActionText(action)}`));
      graph.node(listener.key, lines, "box", "frontend", group);
      graph.edge(lb.key, listener.key);
      for (const action of actions) {
        const redirect = action.redirect;
        if (action.type === "redirect" && redirect) {
          const port = String(redirect.port ?? "#{port}");
          const target = own.find(
            (other) => other.key !== listener.key && String(other.body.port) === port && (redirect.protocol === undefined || other.body.protocol === redirect.protocol),
          );
          if (target) graph.edge(listener.key, target.key, [`redirect ${redirectStatus(redirect.status_code)}`], true);
        }
        for (const targetGroup of awsForwardTargets(stack, action)) {
          groupOfTargetGroup.set(targetGroup, groupOfTargetGroup.get(targetGroup) ?? group);
          graph.edge(listener.key, targetGroup, ["default"]);
        }
      }

      const rules = [...(rulesByListener.get(listener.key) ?? [])].sort(
        (a, b) => Number(a.body.priority ?? Infinity) - Number(b.body.priority ?? Infinity) || a.id.localeCompare(b.id),
      );
      for (const rule of rules) {
        const ruleLines = [`rule ${rule.body.priority !== undefined ? `priority ${shown(rule.body.priority)}` : rule.id}`];
        ruleLines.push(...asArray(rule.body.condition).flatMap(awsConditionLines));
        const ruleActions = asArray(rule.body.action);
        ruleLines.push(...ruleActions.filter((action) => awsForwardTargets(stack, action).length === 0).map(awsActionText));
        graph.node(rule.key, ruleLines, "hexagon", "frontend", group);
        graph.edge(listener.key, rule.key);
        for (const action of ruleActions) {
          for (const targetGroup of awsForwardTargets(stack, action)) {
            groupOfTargetGroup.set(targetGroup, groupOfTargetGroup.get(targetGroup) ?? group);
            graph.edge(rule.key, targetGroup, ["forward"]);
          }
        }
      }
    }
  }
  for (const targetGroup of stack.ofType(...AWS_TARGET_GROUP)) {
    const body = targetGroup.body;
    const lines = [`target group ${displayName(targetGroup)}`, `${shown(body.protocol ?? "HTTP")} ${shown(body.port)} (${shown(body.target_type ?? "instance")})`];
    const health = asArray(body.health_check)[0];
    if (health?.path) lines.push(`health check ${shown(health.path)}`);
    graph.node(targetGroup.key, lines, "box", "frontend", groupOfTargetGroup.get(targetGroup.key));
  }

  // Instance groups: target group → Auto Scaling group → launch template.
  const groupsBySecurityGroup = new Map<string, string[]>();
  const attachments = stack.ofType("aws_autoscaling_attachment", "aws_autoscaling_traffic_source_attachment");
  const policies = stack.ofType("aws_autoscaling_policy");
  for (const asg of stack.ofType("aws_autoscaling_group")) {
    const body = asg.body;
    const templates = stack
      .targetsIn([body.launch_template, body.mixed_instances_policy?.launch_template?.launch_template_specification], "aws_launch_template")
      .map((key) => stack.get(key)!);
    const overrides = asArray(body.mixed_instances_policy?.launch_template?.override).map((override) => override.instance_type).filter(isString);
    const instanceTypes = unique([...overrides, ...templates.map((template) => template.body.instance_type).filter(isString)]);
    const members = subnetsOf(body.vpc_zone_identifier);
    const lines = [
      `Auto Scaling group ${displayName(asg)}`,
      instanceTypes.length > 0 ? instanceTypes.join(", ") : "instance type: ?",
      `${range(body.min_size, body.max_size)} instances${body.desired_capacity !== undefined ? ` (desired ${shown(body.desired_capacity)})` : ""}`,
    ];
    for (const policy of policies.filter((p) => stack.refersTo(p.body.autoscaling_group_name, asg.key))) {
      const tracking = policy.body.target_tracking_configuration;
      const metric = tracking?.predefined_metric_specification?.predefined_metric_type;
      if (tracking?.target_value !== undefined) {
        lines.push(`${AWS_PREDEFINED_METRICS[metric] ?? metric ?? "custom metric"} target ${shown(tracking.target_value)}${metric === "ASGAverageCPUUtilization" ? "%" : ""}`);
      }
    }
    if (members.length > 0) lines.push(zonesOf(members));
    graph.node(asg.key, lines, "box", "compute", placeIn(members));

    const targetGroups = unique([
      ...stack.targetsIn(body.target_group_arns, ...AWS_TARGET_GROUP),
      ...attachments
        .filter((attachment) => stack.refersTo(attachment.body.autoscaling_group_name, asg.key))
        .flatMap((attachment) => stack.targetsIn([attachment.body.lb_target_group_arn, attachment.body.traffic_source], ...AWS_TARGET_GROUP)),
    ]);
    for (const targetGroup of targetGroups) {
      const port = stack.get(targetGroup)?.body.port;
      graph.edge(targetGroup, asg.key, port !== undefined ? [`port ${shown(port)}`] : []);
    }
    for (const template of templates) {
      const securityGroups = stack.targetsIn(
        [template.body.vpc_security_group_ids, template.body.security_group_names, asArray(template.body.network_interfaces).map((nic) => nic.security_groups)],
        "aws_security_group",
      );
      for (const sg of securityGroups) groupsBySecurityGroup.set(sg, unique([...(groupsBySecurityGroup.get(sg) ?? []), asg.key]));
    }
  }

  // Databases, and who may reach them: ingress rules whose source is an instance group's security group.
  const ingress = awsIngressPermissions(stack);
  for (const db of stack.ofType("aws_db_instance")) {
    const body = db.body;
    const subnetGroup = stack.target(body.db_subnet_group_name, "aws_db_subnet_group");
    const members = subnetsOf(subnetGroup?.body.subnet_ids);
    const storage = body.max_allocated_storage ? `${shown(body.allocated_storage)}–${shown(body.max_allocated_storage)} GB` : `${shown(body.allocated_storage)} GB`;
    const lines = [
      `RDS ${displayName(db)}`,
      `${shown(body.engine)} ${shown(body.engine_version)}`,
      `${shown(body.instance_class)}, ${storage}`,
      body.multi_az === true || body.multi_az === "true" ? "multi-AZ" : "single-AZ",
    ];
    if (members.length > 0) lines.push(zonesOf(members));
    graph.node(db.key, lines, "cylinder", "data", placeIn(members));
    for (const sg of stack.targetsIn(body.vpc_security_group_ids, "aws_security_group")) {
      for (const permission of ingress.filter((item) => item.target === sg)) {
        for (const asg of groupsBySecurityGroup.get(permission.source) ?? []) graph.edge(asg, db.key, [permission.ports]);
      }
    }
  }
}

function addInternetGateway(graph: Graph, stack: StackResources, key: string): void {
  const igw = stack.get(key)!;
  const vpc = stack.target(igw.body.vpc_id, "aws_vpc")?.key;
  graph.node(key, [`internet gateway ${displayName(igw)}`], "hexagon", "network", vpc);
  addInternetEgress(graph);
  graph.edge(key, INTERNET_EGRESS);
}

function awsCertificate(stack: StackResources, value: unknown): string {
  let certificate = stack.target(value, "aws_acm_certificate", "aws_acm_certificate_validation", "aws_iam_server_certificate");
  let validated = false;
  if (certificate?.type === "aws_acm_certificate_validation") {
    validated = true;
    certificate = stack.target(certificate.body.certificate_arn, "aws_acm_certificate");
  }
  if (!certificate) return `certificate ${shown(value)}`;
  if (certificate.type === "aws_iam_server_certificate") return `certificate (IAM) ${displayName(certificate)}`;
  const domains = unique([certificate.body.domain_name, ...asArray(certificate.body.subject_alternative_names)].filter(isString));
  const method = certificate.body.validation_method ? `, ${String(certificate.body.validation_method)}-validated` : "";
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
    [action.target_group_arn, asArray(action.forward?.target_group).map((target) => target.arn)],
    ...AWS_TARGET_GROUP,
  );
}

function awsConditionLines(condition: any): string[] {
  const lines: string[] = [];
  for (const [kind, value] of Object.entries(condition ?? {})) {
    const values = asArray((value as any)?.values).map(shown);
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
    const target = stack.target(rule.body.security_group_id, "aws_security_group")?.key;
    const source = stack.target(rule.body.referenced_security_group_id, "aws_security_group")?.key;
    if (target && source) permissions.push({ target, source, ports: ports(rule.body.ip_protocol, rule.body.from_port, rule.body.to_port) });
  }
  for (const rule of stack.ofType("aws_security_group_rule")) {
    if (rule.body.type !== "ingress") continue;
    const target = stack.target(rule.body.security_group_id, "aws_security_group")?.key;
    const source = stack.target(rule.body.source_security_group_id, "aws_security_group")?.key;
    if (target && source) permissions.push({ target, source, ports: ports(rule.body.protocol, rule.body.from_port, rule.body.to_port) });
  }
  for (const sg of stack.ofType("aws_security_group")) {
    for (const rule of asArray(sg.body.ingress)) {
      for (const source of stack.targetsIn(rule.security_groups, "aws_security_group")) {
        permissions.push({ target: sg.key, source, ports: ports(rule.protocol, rule.from_port, rule.to_port) });
      }
    }
  }
  return permissions;
}

// ---------------------------------------------------------------------------------------------
// GCP
// ---------------------------------------------------------------------------------------------

const GCP_FORWARDING_RULE = ["google_compute_global_forwarding_rule", "google_compute_forwarding_rule"];
const GCP_PROXY = [
  "google_compute_target_https_proxy",
  "google_compute_target_http_proxy",
  "google_compute_region_target_https_proxy",
  "google_compute_region_target_http_proxy",
  "google_compute_target_ssl_proxy",
  "google_compute_target_tcp_proxy",
];
const GCP_URL_MAP = ["google_compute_url_map", "google_compute_region_url_map"];
const GCP_BACKEND = ["google_compute_backend_service", "google_compute_region_backend_service", "google_compute_backend_bucket"];
const GCP_MIG = ["google_compute_region_instance_group_manager", "google_compute_instance_group_manager"];
const GCP_TEMPLATE = ["google_compute_instance_template", "google_compute_region_instance_template"];
const GCP_AUTOSCALER = ["google_compute_region_autoscaler", "google_compute_autoscaler"];
const GCP_HEALTH_CHECK = ["google_compute_health_check", "google_compute_region_health_check", "google_compute_http_health_check", "google_compute_https_health_check"];

const GCP_REDIRECT_CODES: Record<string, string> = {
  MOVED_PERMANENTLY_DEFAULT: "301",
  FOUND: "302",
  SEE_OTHER: "303",
  TEMPORARY_REDIRECT: "307",
  PERMANENT_REDIRECT: "308",
};

function gcpProxyProtocol(type: string): string {
  if (type.endsWith("https_proxy")) return "HTTPS";
  if (type.endsWith("http_proxy")) return "HTTP";
  if (type.endsWith("ssl_proxy")) return "SSL";
  return "TCP";
}

function gcpRedirectText(redirect: any): string {
  const scheme = redirect.https_redirect === true ? "HTTPS" : "same scheme";
  const host = redirect.host_redirect ? ` ${shown(redirect.host_redirect)}` : "";
  const path = redirect.path_redirect ?? redirect.prefix_redirect;
  const code = GCP_REDIRECT_CODES[redirect.redirect_response_code ?? "MOVED_PERMANENTLY_DEFAULT"] ?? shown(redirect.redirect_response_code);
  return `redirect → ${scheme}${host}${path ? ` ${shown(path)}` : ""} (${code})`;
}

function stripDot(name: unknown): string {
  return shown(name).replace(/\.$/, "");
}

function gcpDiagram(graph: Graph, stack: StackResources): void {
  // Networks, their subnetworks and private service access ranges.
  for (const network of stack.ofType("google_compute_network")) {
    graph.group(network.key, [`VPC network ${displayName(network)}`]);
  }
  const subnetworks = stack.ofType("google_compute_subnetwork");
  for (const subnetwork of subnetworks) {
    const body = subnetwork.body;
    const lines = [`subnetwork ${displayName(subnetwork)}`, `${shown(body.ip_cidr_range)} · ${shown(stack.literal(body.region))}`];
    for (const secondary of asArray(body.secondary_ip_range)) lines.push(`${shown(secondary.range_name)} ${shown(secondary.ip_cidr_range)}`);
    if (body.private_ip_google_access === true) lines.push("Private Google Access");
    graph.group(subnetwork.key, lines, stack.target(body.network, "google_compute_network")?.key);
  }
  const accessRanges = new Map<string, string[]>(); // network → global address keys
  for (const connection of stack.ofType("google_service_networking_connection")) {
    const network = stack.target(connection.body.network, "google_compute_network")?.key;
    for (const address of stack.targetsIn(connection.body.reserved_peering_ranges, "google_compute_global_address")) {
      const body = stack.get(address)!.body;
      const cidr = body.address !== undefined ? `${shown(body.address)}/${shown(body.prefix_length)}` : `/${shown(body.prefix_length)} (allocated)`;
      graph.group(address, [`private service access ${cidr}`, `peering: ${shown(connection.body.service)}`], network);
      if (network) accessRanges.set(network, unique([...(accessRanges.get(network) ?? []), address]));
    }
  }

  // Cloud NAT: every subnetwork it translates → NAT → internet.
  for (const nat of stack.ofType("google_compute_router_nat")) {
    const router = stack.target(nat.body.router, "google_compute_router");
    const network = stack.target(router?.body.network, "google_compute_network")?.key;
    const region = shown(stack.literal(nat.body.region ?? router?.body.region));
    const addresses = asArray(nat.body.nat_ips);
    const lines = [`Cloud NAT ${displayName(nat)}`, `router ${router ? displayName(router) : "?"} · ${region} (regional)`];
    lines.push(nat.body.nat_ip_allocate_option === "MANUAL_ONLY" ? `${addresses.length} reserved IP(s)` : "auto-allocated IPs");
    graph.node(nat.key, lines, "hexagon", "network", network);
    addInternetEgress(graph);
    graph.edge(nat.key, INTERNET_EGRESS, ["egress"]);
    const mode = String(nat.body.source_subnetwork_ip_ranges_to_nat ?? "");
    const sources = mode.startsWith("ALL_SUBNETWORKS")
      ? subnetworks
          .filter((subnetwork) => stack.target(subnetwork.body.network, "google_compute_network")?.key === network)
          .filter((subnetwork) => shown(stack.literal(subnetwork.body.region)) === region || region === "(computed)")
          .map((subnetwork) => subnetwork.key)
      : stack.targetsIn(asArray(nat.body.subnetwork).map((entry) => entry.name), "google_compute_subnetwork");
    for (const source of sources) graph.edge(source, nat.key, ["0.0.0.0/0"]);
  }

  // Cloud SQL, in its private service access range.
  const sqlByNetwork = new Map<string, string[]>();
  for (const sql of stack.ofType("google_sql_database_instance")) {
    const settings = asArray(sql.body.settings)[0] ?? {};
    const ip = asArray(settings.ip_configuration)[0] ?? {};
    const network = stack.target(ip.private_network, "google_compute_network")?.key;
    const ranges = network ? (accessRanges.get(network) ?? []) : [];
    const allocated = ranges.find((range) => stack.refersTo(ip.allocated_ip_range, range) || stack.get(range)?.body.name === ip.allocated_ip_range);
    const availability = shown(settings.availability_type ?? "ZONAL");
    const lines = [
      `Cloud SQL ${displayName(sql)}`,
      shown(sql.body.database_version),
      shown(settings.tier),
      `${availability}${availability === "REGIONAL" ? " (HA, standby in another zone)" : ""}`,
      ip.ipv4_enabled === false ? "private IP only" : "public IP enabled",
    ];
    graph.node(sql.key, lines, "cylinder", "data", allocated ?? (ranges.length === 1 ? ranges[0] : network));
    if (network) sqlByNetwork.set(network, [...(sqlByNetwork.get(network) ?? []), sql.key]);
  }

  // Instance groups: template machine type, autoscaler bounds, zones, subnetwork.
  const autoscalers = stack.ofType(...GCP_AUTOSCALER);
  for (const mig of stack.ofType(...GCP_MIG)) {
    const body = mig.body;
    const templates = stack.targetsIn([body.version, body.instance_template], ...GCP_TEMPLATE).map((key) => stack.get(key)!);
    const machineTypes = unique(templates.map((template) => template.body.machine_type).filter(isString));
    const autoscaler = autoscalers.find((candidate) => stack.refersTo(candidate.body.target, mig.key));
    const policy = asArray(autoscaler?.body.autoscaling_policy)[0];
    const lines = [`managed instance group ${displayName(mig)}`, machineTypes.length > 0 ? machineTypes.join(", ") : "machine type: ?"];
    if (policy) {
      lines.push(`${range(policy.min_replicas, policy.max_replicas)} instances (autoscaled)`);
      const cpu = asArray(policy.cpu_utilization)[0]?.target;
      if (typeof cpu === "number") lines.push(`CPU target ${Math.round(cpu * 100)}%`);
    } else {
      lines.push(`${shown(body.target_size)} instances (fixed)`);
    }
    const zones = body.distribution_policy_zones ?? body.zone;
    lines.push(zones !== undefined ? `zones: ${listOrNone(asArray(zones).map(shown))}` : `region ${shown(stack.literal(body.region))}`);
    const nics = templates.flatMap((template) => asArray(template.body.network_interface));
    const homes = stack.targetsIn(nics.map((nic) => nic.subnetwork), "google_compute_subnetwork");
    graph.node(mig.key, lines, "box", "compute", homes.length === 1 ? homes[0] : undefined);

    const networks = unique([
      ...homes.map((home) => stack.target(stack.get(home)!.body.network, "google_compute_network")?.key),
      ...stack.targetsIn(nics.map((nic) => nic.network), "google_compute_network"),
    ]).filter(isString);
    for (const network of networks) for (const sql of sqlByNetwork.get(network) ?? []) graph.edge(mig.key, sql, ["private IP"]);
  }

  // DNS: A/AAAA/CNAME records whose data references a load balancer address.
  const hostnames = new Map<string, Map<string, string[]>>();
  for (const record of stack.ofType("google_dns_record_set")) {
    const zone = stack.target(record.body.managed_zone, "google_dns_managed_zone")?.key;
    if (!zone) continue;
    for (const address of stack.targetsIn(record.body.rrdatas, "google_compute_global_address", "google_compute_address", ...GCP_FORWARDING_RULE)) {
      const byAddress = hostnames.get(zone) ?? new Map<string, string[]>();
      byAddress.set(address, unique([...(byAddress.get(address) ?? []), `${stripDot(record.body.name)} (${shown(record.body.type)})`]));
      hostnames.set(zone, byAddress);
    }
  }
  for (const zone of stack.ofType("google_dns_managed_zone")) {
    const visibility = shown(zone.body.visibility ?? "public");
    const dnssec = asArray(zone.body.dnssec_config)[0]?.state === "on" ? ", DNSSEC" : "";
    graph.node(zone.key, [`Cloud DNS zone ${stripDot(zone.body.dns_name)}`, `${visibility}${dnssec}`], "stadium", "frontend");
    if (visibility === "public") {
      addInternet(graph);
      graph.edge(INTERNET, zone.key, ["DNS"]);
    }
  }

  // Load balancers: address → forwarding rules (+ proxy, certificate) → URL map host rules → backends.
  const groupOfBackend = new Map<string, string>();
  const frontEnds = new Map<string, Resource[]>(); // address (or the rule itself) → forwarding rules
  for (const rule of stack.ofType(...GCP_FORWARDING_RULE)) {
    if (!stack.target(rule.body.target, ...GCP_PROXY)) continue;
    const address = stack.target(rule.body.ip_address, "google_compute_global_address", "google_compute_address")?.key ?? rule.key;
    frontEnds.set(address, [...(frontEnds.get(address) ?? []), rule]);
  }
  for (const [address, rules] of frontEnds) {
    const group = `group:${address}`;
    const addressResource = stack.get(address)!;
    graph.group(group, [`load balancer ${displayName(addressResource)}`]);
    const schemes = unique(rules.map((rule) => shown(rule.body.load_balancing_scheme ?? "EXTERNAL")));
    graph.node(
      address,
      [`address ${displayName(addressResource)}`, `${shown(addressResource.body.ip_version ?? "IPV4")} ${schemes.join(", ")}`],
      "stadium",
      "frontend",
      group,
    );
    for (const [zone, byAddress] of hostnames) if (byAddress.has(address)) graph.edge(zone, address, byAddress.get(address)!);

    const described = rules.map((rule) => ({ rule, proxy: stack.target(rule.body.target, ...GCP_PROXY)! }));
    for (const { rule, proxy } of described) {
      const protocol = gcpProxyProtocol(proxy.type);
      const urlMap = stack.target(proxy.body.url_map, ...GCP_URL_MAP);
      const lines = [`${protocol} ${shown(rule.body.port_range)}`];
      for (const certificate of stack.targetsIn(proxy.body.ssl_certificates, "google_compute_managed_ssl_certificate", "google_compute_ssl_certificate", "google_compute_region_ssl_certificate")) {
        const body = stack.get(certificate)!.body;
        const domains = asArray(asArray(body.managed)[0]?.domains).map(shown);
        lines.push(domains.length > 0 ? `certificate (Google-managed): ${domains.join(", ")}` : `certificate ${displayName(stack.get(certificate)!)}`);
      }
      if (proxy.body.certificate_map) lines.push(`certificate map ${shown(proxy.body.certificate_map)}`);
      const sslPolicy = stack.target(proxy.body.ssl_policy, "google_compute_ssl_policy", "google_compute_region_ssl_policy");
      if (sslPolicy) lines.push(`TLS policy ${shown(sslPolicy.body.profile ?? "COMPATIBLE")}, min ${shown(sslPolicy.body.min_tls_version ?? "TLS_1_0")}`);
      const routes = urlMap && (asArray(urlMap.body.host_rule).length > 0 || urlMap.body.default_service !== undefined);
      const redirect = asArray(urlMap?.body.default_url_redirect)[0];
      if (redirect) lines.push(`${routes ? "default: " : ""}${gcpRedirectText(redirect)}`);
      graph.node(rule.key, lines, "box", "frontend", group);
      graph.edge(address, rule.key);

      if (redirect && !routes && redirect.https_redirect === true) {
        const https = described.find((other) => other.rule.key !== rule.key && gcpProxyProtocol(other.proxy.type) === "HTTPS");
        const code = GCP_REDIRECT_CODES[redirect.redirect_response_code ?? "MOVED_PERMANENTLY_DEFAULT"] ?? "redirect";
        if (https) graph.edge(rule.key, https.rule.key, [`redirect ${code}`], true);
      }
      if (!urlMap) {
        for (const backend of stack.targetsIn(proxy.body.backend_service, ...GCP_BACKEND)) {
          groupOfBackend.set(backend, groupOfBackend.get(backend) ?? group);
          graph.edge(rule.key, backend);
        }
        continue;
      }
      const matchers = new Map<string, any>(asArray(urlMap.body.path_matcher).map((matcher) => [String(matcher.name), matcher]));
      asArray(urlMap.body.host_rule).forEach((hostRule, index) => {
        const key = `${urlMap.key}#host-rule-${index}`;
        const matcher = matchers.get(String(hostRule.path_matcher));
        const ruleLines = ["host rule", ...asArray(hostRule.hosts).map((host) => `host ${shown(host)}`)];
        const matcherRedirect = asArray(matcher?.default_url_redirect)[0];
        if (matcherRedirect) ruleLines.push(gcpRedirectText(matcherRedirect));
        graph.node(key, ruleLines, "hexagon", "frontend", group);
        graph.edge(rule.key, key);
        for (const backend of stack.targetsIn(matcher?.default_service, ...GCP_BACKEND)) {
          groupOfBackend.set(backend, groupOfBackend.get(backend) ?? group);
          graph.edge(key, backend, asArray(matcher?.path_rule).length > 0 ? ["other paths"] : []);
        }
        for (const pathRule of asArray(matcher?.path_rule)) {
          for (const backend of stack.targetsIn(pathRule.service, ...GCP_BACKEND)) {
            groupOfBackend.set(backend, groupOfBackend.get(backend) ?? group);
            graph.edge(key, backend, asArray(pathRule.paths).map(shown));
          }
        }
      });
      for (const backend of stack.targetsIn(urlMap.body.default_service, ...GCP_BACKEND)) {
        groupOfBackend.set(backend, groupOfBackend.get(backend) ?? group);
        graph.edge(rule.key, backend, ["default"]);
      }
    }
  }
  for (const backend of stack.ofType(...GCP_BACKEND)) {
    const body = backend.body;
    const lines = [backend.type === "google_compute_backend_bucket" ? `backend bucket ${displayName(backend)}` : `backend service ${displayName(backend)}`];
    if (body.protocol || body.port_name) lines.push(`${shown(body.protocol ?? "HTTP")} · port ${shown(body.port_name ?? "http")}`);
    for (const check of stack.targetsIn(body.health_checks, ...GCP_HEALTH_CHECK)) {
      const checkBody = stack.get(check)!.body;
      const probe = asArray(checkBody.http_health_check ?? checkBody.https_health_check ?? checkBody.http2_health_check)[0];
      const path = probe?.request_path ?? checkBody.request_path;
      if (path !== undefined) lines.push(`health check ${shown(path)}`);
    }
    graph.node(backend.key, lines, "box", "frontend", groupOfBackend.get(backend.key));
    for (const entry of asArray(body.backend)) {
      for (const mig of stack.targetsIn(entry.group, ...GCP_MIG)) {
        // The backend names a port; the instance group says which number that name is.
        const named = asArray(stack.get(mig)!.body.named_port).find((port) => port.name === (body.port_name ?? "http"));
        const lines = [shown(entry.balancing_mode ?? "UTILIZATION")];
        if (named) lines.push(`port ${shown(named.name)} = ${shown(named.port)}`);
        graph.edge(backend.key, mig, lines);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** Mermaid flowchart (`flowchart LR …`) of one synthesized stack. Same input, same output. */
export function stackDiagram(stackId: string, stackJson: any): string {
  const graph = new Graph();
  const stack = new StackResources(stackJson);
  awsDiagram(graph, stack);
  gcpDiagram(graph, stack);
  return graph.render(`${stackId}: generated by npm run diagram from the synthesized Terraform JSON; do not edit`);
}

export const GENERATED_NOTE = "<!-- Generated by `npm run diagram` from the synthesized stacks; do not edit. -->";
export const README_START = "<!-- diagrams:start -->";
export const README_END = "<!-- diagrams:end -->";

function fenced(mermaid: string): string {
  return `\`\`\`mermaid\n${mermaid.trimEnd()}\n\`\`\`\n`;
}

/** One markdown document per stack (stack id → `diagrams/<stackId>.md` content), in stack id order. */
export function renderDiagrams(stacks: Record<string, any>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(stacks)
      .sort()
      .map((stackId) => [stackId, `# ${stackId}\n\n${GENERATED_NOTE}\n\n${fenced(stackDiagram(stackId, stacks[stackId]))}`]),
  );
}

/** Every stack's diagram under a `#### <stackId>` heading, for the README's marked section. */
export function readmeSection(stacks: Record<string, any>): string {
  return Object.keys(stacks)
    .sort()
    .map((stackId) => `#### ${stackId}\n\n${fenced(stackDiagram(stackId, stacks[stackId]))}`)
    .join("\n");
}

/** Replaces what lies between the README markers with `section`; everything else is kept byte for byte. */
export function embedInReadme(readme: string, section: string): string {
  const count = (marker: string) => readme.split(marker).length - 1;
  const problems: string[] = [];
  for (const marker of [README_START, README_END]) {
    if (count(marker) === 0) problems.push(`marker ${marker} is missing`);
    if (count(marker) > 1) problems.push(`marker ${marker} appears ${count(marker)} times`);
  }
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (problems.length === 0 && end < start) problems.push(`${README_END} comes before ${README_START}`);
  if (problems.length > 0) {
    throw new Error(`README: ${problems.join("; ")} (add one ${README_START} line and one ${README_END} line after it where the diagrams go)`);
  }
  const body = `\n${GENERATED_NOTE}\n\n${section.trim()}\n\n`;
  return readme.slice(0, start + README_START.length) + body + readme.slice(end);
}
