/**
 * GCP network and egress as a diagram: each VPC network with its subnetworks (ranges, region,
 * Private Google Access, the instance groups they host), private service access ranges peered to
 * Cloud SQL, and Cloud NAT to the internet.
 */
import { blocks, StackResources } from "../lib/terraform-json";
import { addInternetEgress, counted, displayName, Graph, INTERNET_EGRESS, isString, shown, unique } from "./graph";
import { GCP_MIG, gcpMigSubnetworks, gcpMigTemplates, gcpSqlNetwork } from "./gcp-shared";

export function gcpNetwork(graph: Graph, stack: StackResources): void {
  for (const network of stack.ofType("google_compute_network")) {
    graph.group(network.address, [`VPC network ${displayName(network)}`]);
  }
  const subnetworks = stack.ofType("google_compute_subnetwork");
  const migs = stack.ofType(...GCP_MIG);
  for (const subnetwork of subnetworks) {
    const body = subnetwork.config;
    const lines = [`subnetwork ${displayName(subnetwork)}`, shown(body.ip_cidr_range), shown(stack.literal(body.region))];
    for (const secondary of blocks(body.secondary_ip_range)) lines.push(`${shown(secondary.range_name)} ${shown(secondary.ip_cidr_range)}`);
    if (body.private_ip_google_access === true) lines.push("Private Google Access");
    const hosted = migs.filter((mig) => gcpMigSubnetworks(stack, mig).includes(subnetwork.address)).length;
    if (hosted > 0) lines.push(`hosts ${counted(hosted, "instance group")}`);
    graph.node(subnetwork.address, lines, "box", "network", stack.target(body.network, "google_compute_network")?.address);
  }

  // Subnetworks another team owns, referenced by URL: one node each, with what it hosts.
  const existing = new Map<string, number>();
  for (const mig of migs) {
    const nics = gcpMigTemplates(stack, mig).flatMap((template) => blocks(template.config.network_interface));
    for (const url of unique(nics.map((nic) => nic.subnetwork).filter((value): value is string => isString(value) && !value.includes("${")))) {
      existing.set(url, (existing.get(url) ?? 0) + 1);
    }
  }
  for (const [url, hosted] of existing) {
    const [, project, region, name] = /projects\/([^/]+)\/regions\/([^/]+)\/subnetworks\/([^/]+)$/.exec(url) ?? [];
    const lines = [`existing subnetwork ${name ?? url}`, ...(region ? [region, `project ${project}`] : []), "not managed by this stack", `hosts ${counted(hosted, "instance group")}`];
    graph.node(`existing:${url}`, lines, "box", "network");
  }

  // Private service access: a range of this network peered to Google's service network, where
  // Cloud SQL lives (outside this VPC).
  const accessRanges = new Map<string, string[]>(); // network → global address keys
  for (const connection of stack.ofType("google_service_networking_connection")) {
    const network = stack.target(connection.config.network, "google_compute_network")?.address;
    for (const address of stack.targetsIn(connection.config.reserved_peering_ranges, "google_compute_global_address")) {
      const body = stack.get(address)!.config;
      const cidr = body.address !== undefined ? `${shown(body.address)}/${shown(body.prefix_length)}` : `/${shown(body.prefix_length)} (allocated)`;
      graph.node(address, ["private service access", cidr, `peering: ${shown(connection.config.service)}`], "hexagon", "network", network);
      if (network) accessRanges.set(network, unique([...(accessRanges.get(network) ?? []), address]));
    }
  }
  for (const sql of stack.ofType("google_sql_database_instance")) {
    const { network, ip } = gcpSqlNetwork(stack, sql);
    const ranges = network ? (accessRanges.get(network) ?? []) : [];
    const lines = [`Cloud SQL ${displayName(sql)}`, ip.ipv4_enabled === false ? "private IP only" : "public IP enabled"];
    graph.node(sql.address, lines, "cylinder", "data", ranges.length === 0 ? network : undefined);
    const allocated = ranges.find((range) => stack.mentions(ip.allocated_ip_range, range) || stack.get(range)?.config.name === ip.allocated_ip_range);
    const peered = allocated ?? (ranges.length === 1 ? ranges[0] : undefined);
    if (peered) graph.edge(peered, sql.address, ["VPC peering"], true);
  }

  // Cloud NAT: every subnetwork it translates → NAT → internet.
  for (const nat of stack.ofType("google_compute_router_nat")) {
    const router = stack.target(nat.config.router, "google_compute_router");
    const network = stack.target(router?.config.network, "google_compute_network")?.address;
    const region = shown(stack.literal(nat.config.region ?? router?.config.region));
    const addresses = blocks(nat.config.nat_ips);
    const lines = [`Cloud NAT ${displayName(nat)}`, `router ${router ? displayName(router) : "?"}`, `${region} (regional)`];
    lines.push(nat.config.nat_ip_allocate_option === "MANUAL_ONLY" ? counted(addresses.length, "reserved IP") : "auto-allocated IPs");
    graph.node(nat.address, lines, "hexagon", "network", network);
    addInternetEgress(graph);
    graph.edge(nat.address, INTERNET_EGRESS, ["egress"]);
    const mode = String(nat.config.source_subnetwork_ip_ranges_to_nat ?? "");
    const sources = mode.startsWith("ALL_SUBNETWORKS")
      ? subnetworks
          .filter((subnetwork) => stack.target(subnetwork.config.network, "google_compute_network")?.address === network)
          .filter((subnetwork) => shown(stack.literal(subnetwork.config.region)) === region || region === "(computed)")
          .map((subnetwork) => subnetwork.address)
      : stack.targetsIn(blocks(nat.config.subnetwork).map((entry) => entry.name), "google_compute_subnetwork");
    for (const source of sources) graph.edge(source, nat.address, ["0.0.0.0/0"]);
  }
}
