/**
 * AWS network and egress as a diagram: each VPC with one node per subnet tier (its subnets' zones
 * and CIDRs, what it hosts), NAT gateways (one node for a set of one-per-zone gateways), internet
 * gateways and the default routes between them.
 */
import { blocks, StackResources } from "../lib/terraform-json";
import { AwsSubnet, AwsSubnets, tierKey } from "./aws-subnets";
import { addInternetEgress, counted, displayName, Graph, INTERNET_EGRESS, isString, listOrNone, shown, unique } from "./graph";

/** NAT gateways drawn as one node: a single gateway, or identical gateways one per zone. */
interface NatNode {
  readonly key: string;
  readonly nats: string[];
  readonly perZone: boolean;
}

export function awsNetwork(graph: Graph, stack: StackResources): void {
  const subnets = new AwsSubnets(stack);
  const tiers = subnets.tiers();

  for (const vpc of stack.ofType("aws_vpc")) {
    graph.group(vpc.address, [`VPC ${displayName(vpc)}`, shown(vpc.config.cidr_block)]);
  }
  const hosted = hostedIn(stack, subnets);
  if (tiers.length === 0) existingSubnets(graph, stack);
  for (const tier of tiers) {
    const defaults = new Set(tier.members.filter((subnet) => subnets.routes(subnet.address).some((route) => route.destination === "0.0.0.0/0")).map((subnet) => subnet.address));
    const lines = [counted(tier.members.length, `${tier.name} subnet`)];
    for (const subnet of tier.members) {
      lines.push(`${subnet.zone} ${subnet.cidr}${defaults.size > 0 && !defaults.has(subnet.address) ? " (no default route)" : ""}`);
    }
    const kinds = hosted.get(tier.key) ?? new Map<string, number>();
    for (const [kind, count] of kinds) lines.push(`hosts ${counted(count, kind)}`);
    if (tier.members.every((subnet) => subnets.routes(subnet.address).length === 0)) lines.push("no route to the internet");
    graph.node(tier.key, lines, "box", "network", tier.vpc);
  }

  // Internet gateways, and the tiers whose route tables send traffic to them.
  for (const igw of stack.ofType("aws_internet_gateway")) {
    graph.node(igw.address, [`internet gateway ${displayName(igw)}`], "hexagon", "network", stack.target(igw.config.vpc_id, "aws_vpc")?.address);
    addInternetEgress(graph);
    graph.edge(igw.address, INTERNET_EGRESS);
  }

  // NAT gateways: the tiers routing to them, and their own way out (their subnet's internet gateway).
  const natNodes = natNodesOf(stack, subnets);
  const nodeOfNat = new Map(natNodes.flatMap((node) => node.nats.map((nat) => [nat, node] as const)));
  for (const node of natNodes) {
    const nats = node.nats.map((address) => stack.get(address)!);
    const homes = nats.flatMap((nat) => subnets.in(nat.config.subnet_id));
    const connectivity = shown(nats[0].config.connectivity_type ?? "public");
    const elasticIp = nats.every((nat) => nat.config.allocation_id !== undefined);
    const where = `in ${listOrNone(unique(homes.map((home) => home.tier)))} ${homes.length === 1 ? "subnet" : "subnets"}`;
    const lines = node.perZone
      ? [counted(nats.length, "NAT gateway"), `one per zone: ${homes.map((home) => home.zone).join(", ")}`, where, `${connectivity}${elasticIp ? ", Elastic IP each" : ""}`]
      : [`NAT gateway ${homes[0]?.zone ?? displayName(nats[0])}`, where, `${connectivity}${elasticIp ? ", Elastic IP" : ""}`];
    graph.node(node.key, lines, "hexagon", "network", unique(homes.map((home) => home.vpc))[0]);
    for (const route of homes.flatMap((home) => subnets.routes(home.address))) {
      if (route.igw && stack.get(route.igw)) graph.edge(node.key, route.igw, ["egress"]);
    }
  }
  for (const tier of tiers) {
    const targets = new Map<string, { destinations: string[]; zones: string[] }>();
    for (const subnet of tier.members) {
      for (const route of subnets.routes(subnet.address)) {
        const target = route.nat ? nodeOfNat.get(route.nat)?.key : route.igw;
        if (!target) continue;
        const entry = targets.get(target) ?? { destinations: [], zones: [] };
        targets.set(target, { destinations: unique([...entry.destinations, route.destination]), zones: unique([...entry.zones, subnet.zone]) });
      }
    }
    for (const [target, { destinations, zones }] of targets) {
      const perZone = natNodes.find((node) => node.key === target)?.perZone === true;
      const lines = [`${destinations.join(", ")}${perZone ? ", same zone" : ""}`];
      if (zones.length < unique(tier.members.map((subnet) => subnet.zone)).length) lines.push(`from ${zones.join(", ")}`);
      graph.edge(tier.key, target, lines);
    }
  }
}

/**
 * NAT gateways of the same tier, kind and Elastic IP use, one in each zone, where every subnet
 * routing to one of them routes to its own zone's: one node. Any other gateway: a node of its own.
 */
function natNodesOf(stack: StackResources, subnets: AwsSubnets): NatNode[] {
  const nats = stack.ofType("aws_nat_gateway");
  const homeOf = (address: string) => subnets.in(stack.get(address)!.config.subnet_id)[0] as AwsSubnet | undefined;
  const sets = new Map<string, string[]>();
  for (const nat of nats) {
    const home = homeOf(nat.address);
    const key = `${home ? tierKey(home) : nat.address}|${shown(nat.config.connectivity_type ?? "public")}|${nat.config.allocation_id !== undefined}`;
    sets.set(key, [...(sets.get(key) ?? []), nat.address]);
  }
  const sourcesOf = (nat: string): AwsSubnet[] =>
    [...stack.ofType("aws_subnet")].flatMap((subnet) => (subnets.routes(subnet.address).some((route) => route.nat === nat) ? [subnets.get(subnet.address)!] : []));
  const nodes: NatNode[] = [];
  for (const members of sets.values()) {
    const zones = members.map((nat) => homeOf(nat)?.zone);
    const distinct = zones.every((zone) => zone !== undefined) && unique(zones).length === members.length;
    const aligned = members.every((nat) => sourcesOf(nat).every((source) => source.zone === homeOf(nat)?.zone));
    if (members.length > 1 && distinct && aligned) {
      const ordered = [...members].sort((a, b) => homeOf(a)!.zone.localeCompare(homeOf(b)!.zone));
      nodes.push({ key: `nat-gateways:${ordered[0]}`, nats: ordered, perZone: true });
    } else {
      for (const nat of members) nodes.push({ key: nat, nats: [nat], perZone: false });
    }
  }
  return nodes;
}

/**
 * A stack in a network another team owns references its subnets and VPC by id: one node per set
 * of subnets, with what it hosts, in a subgraph for the VPC.
 */
function existingSubnets(graph: Graph, stack: StackResources): void {
  const literals = (value: unknown) => blocks(value).filter((id): id is string => isString(id) && !id.includes("${"));
  const vpcs = unique(stack.ofType("aws_security_group", "aws_lb_target_group").flatMap((resource) => literals(resource.config.vpc_id)));
  const vpc = vpcs.length === 1 ? `existing:${vpcs[0]}` : undefined;
  if (vpc) graph.group(vpc, [`VPC ${vpcs[0]}`, "not managed by this stack"]);
  const sets = new Map<string, Map<string, number>>();
  const add = (kind: string, ids: string[]) => {
    if (ids.length === 0) return;
    const key = [...ids].sort().join(" ");
    const kinds = sets.get(key) ?? new Map<string, number>();
    sets.set(key, kinds.set(kind, (kinds.get(kind) ?? 0) + 1));
  };
  for (const lb of stack.ofType("aws_lb", "aws_alb")) add("load balancer", literals(lb.config.subnets));
  for (const asg of stack.ofType("aws_autoscaling_group")) add("Auto Scaling group", literals(asg.config.vpc_zone_identifier));
  for (const db of stack.ofType("aws_db_instance")) {
    add("RDS database", literals(stack.target(db.config.db_subnet_group_name, "aws_db_subnet_group")?.config.subnet_ids));
  }
  for (const [key, kinds] of sets) {
    const ids = key.split(" ");
    const lines = [counted(ids.length, "existing subnet"), ...ids, ...[...kinds].map(([kind, count]) => `hosts ${counted(count, kind)}`)];
    graph.node(`existing:${key}`, lines, "box", "network", vpc);
  }
}

/** Per tier: how many load balancers, Auto Scaling groups and databases have subnets in it. */
function hostedIn(stack: StackResources, subnets: AwsSubnets): Map<string, Map<string, number>> {
  const hosted = new Map<string, Map<string, number>>();
  const add = (kind: string, members: AwsSubnet[]) => {
    for (const key of unique(members.map(tierKey))) {
      const kinds = hosted.get(key) ?? new Map<string, number>();
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      hosted.set(key, kinds);
    }
  };
  for (const lb of stack.ofType("aws_lb", "aws_alb")) add("load balancer", subnets.in(lb.config.subnets ?? lb.config.subnet_mapping));
  for (const asg of stack.ofType("aws_autoscaling_group")) add("Auto Scaling group", subnets.in(asg.config.vpc_zone_identifier));
  for (const db of stack.ofType("aws_db_instance")) {
    add("RDS database", subnets.in(stack.target(db.config.db_subnet_group_name, "aws_db_subnet_group")?.config.subnet_ids));
  }
  return hosted;
}
