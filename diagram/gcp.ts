/**
 * GCP request path as a diagram: Cloud DNS and the load balancer chain from address to forwarding
 * rule, proxy, URL map host rules, backends, managed instance groups and Cloud SQL. The network
 * (VPC, subnetworks, private service access, Cloud NAT) is gcp-network.ts's diagram.
 */
import { blocks, StackResource, StackResources } from "../lib/terraform-json";
import { addInternet, counted, displayName, Graph, INTERNET, isString, listOrNone, range, shown, unique } from "./graph";
import { GCP_MIG, gcpMigSubnetworks, gcpMigTemplates, gcpSqlNetwork } from "./gcp-shared";

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

export function gcpRequestPath(graph: Graph, stack: StackResources): void {
  // Cloud SQL (its network and private service access are in gcp-network.ts's diagram).
  const sqlByNetwork = new Map<string, string[]>();
  for (const sql of stack.ofType("google_sql_database_instance")) {
    const settings = blocks(sql.config.settings)[0] ?? {};
    const { network, ip } = gcpSqlNetwork(stack, sql);
    const availability = shown(settings.availability_type ?? "ZONAL");
    const lines = [
      `Cloud SQL ${displayName(sql)}`,
      shown(sql.config.database_version),
      shown(settings.tier),
      `${availability}${availability === "REGIONAL" ? " (HA, standby in another zone)" : ""}`,
      ip.ipv4_enabled === false ? "private IP only" : "public IP enabled",
    ];
    graph.node(sql.address, lines, "cylinder", "data");
    if (network) sqlByNetwork.set(network, [...(sqlByNetwork.get(network) ?? []), sql.address]);
  }

  // Instance groups: template machine type, autoscaler bounds, zones, subnetwork.
  const autoscalers = stack.ofType(...GCP_AUTOSCALER);
  for (const mig of stack.ofType(...GCP_MIG)) {
    const body = mig.config;
    const templates = gcpMigTemplates(stack, mig);
    const machineTypes = unique(templates.map((template) => template.config.machine_type).filter(isString));
    const autoscaler = autoscalers.find((candidate) => stack.mentions(candidate.config.target, mig.address));
    const policy = blocks(autoscaler?.config.autoscaling_policy)[0];
    const lines = [`managed instance group ${displayName(mig)}`, machineTypes.length > 0 ? machineTypes.join(", ") : "machine type: ?"];
    if (policy) {
      lines.push(`${counted(range(policy.min_replicas, policy.max_replicas), "instance")} (autoscaled)`);
      const cpu = blocks(policy.cpu_utilization)[0]?.target;
      if (typeof cpu === "number") lines.push(`CPU target ${Math.round(cpu * 100)}%`);
    } else {
      lines.push(`${counted(shown(body.target_size), "instance")} (fixed)`);
    }
    const zones = body.distribution_policy_zones ?? body.zone;
    lines.push(zones !== undefined ? `zones: ${listOrNone(blocks(zones).map(shown))}` : `region ${shown(stack.literal(body.region))}`);
    const nics = templates.flatMap((template) => blocks(template.config.network_interface));
    const homes = gcpMigSubnetworks(stack, mig);
    for (const home of homes) lines.push(`subnetwork ${displayName(stack.get(home)!)}`);
    graph.node(mig.address, lines, "box", "compute");

    const networks = unique([
      ...homes.map((home) => stack.target(stack.get(home)!.config.network, "google_compute_network")?.address),
      ...stack.targetsIn(nics.map((nic) => nic.network), "google_compute_network"),
    ]).filter(isString);
    for (const network of networks) for (const sql of sqlByNetwork.get(network) ?? []) graph.edge(mig.address, sql, ["private IP"]);
  }

  // DNS: A/AAAA/CNAME records whose data references a load balancer address.
  const hostnames = new Map<string, Map<string, string[]>>();
  for (const record of stack.ofType("google_dns_record_set")) {
    const zone = stack.target(record.config.managed_zone, "google_dns_managed_zone")?.address;
    if (!zone) continue;
    for (const address of stack.targetsIn(record.config.rrdatas, "google_compute_global_address", "google_compute_address", ...GCP_FORWARDING_RULE)) {
      const byAddress = hostnames.get(zone) ?? new Map<string, string[]>();
      byAddress.set(address, unique([...(byAddress.get(address) ?? []), `${stripDot(record.config.name)} (${shown(record.config.type)})`]));
      hostnames.set(zone, byAddress);
    }
  }
  for (const zone of stack.ofType("google_dns_managed_zone")) {
    const visibility = shown(zone.config.visibility ?? "public");
    const dnssec = blocks(zone.config.dnssec_config)[0]?.state === "on" ? ", DNSSEC" : "";
    graph.node(zone.address, [`Cloud DNS zone ${stripDot(zone.config.dns_name)}`, `${visibility}${dnssec}`], "stadium", "frontend");
    if (visibility === "public") {
      addInternet(graph);
      graph.edge(INTERNET, zone.address, ["DNS"]);
    }
  }

  // Load balancers: address → forwarding rules (+ proxy, certificate) → URL map host rules → backends.
  const frontEnds = new Map<string, StackResource[]>(); // address (or the rule itself) → forwarding rules
  for (const rule of stack.ofType(...GCP_FORWARDING_RULE)) {
    if (!stack.target(rule.config.target, ...GCP_PROXY)) continue;
    const address = stack.target(rule.config.ip_address, "google_compute_global_address", "google_compute_address")?.address ?? rule.address;
    frontEnds.set(address, [...(frontEnds.get(address) ?? []), rule]);
  }
  for (const [address, rules] of frontEnds) {
    const addressResource = stack.get(address)!;
    const schemes = unique(rules.map((rule) => shown(rule.config.load_balancing_scheme ?? "EXTERNAL")));
    graph.node(
      address,
      [`load balancer ${displayName(addressResource)}`, `${shown(addressResource.config.ip_version ?? "IPV4")} address`, schemes.join(", ")],
      "stadium",
      "frontend",
    );
    for (const [zone, byAddress] of hostnames) if (byAddress.has(address)) graph.edge(zone, address, byAddress.get(address)!);

    const described = rules.map((rule) => ({ rule, proxy: stack.target(rule.config.target, ...GCP_PROXY)! }));
    for (const { rule, proxy } of described) {
      const protocol = gcpProxyProtocol(proxy.type);
      const urlMap = stack.target(proxy.config.url_map, ...GCP_URL_MAP);
      const lines = [`${protocol} ${shown(rule.config.port_range)}`];
      for (const certificate of stack.targetsIn(proxy.config.ssl_certificates, "google_compute_managed_ssl_certificate", "google_compute_ssl_certificate", "google_compute_region_ssl_certificate")) {
        const body = stack.get(certificate)!.config;
        const domains = blocks(blocks(body.managed)[0]?.domains).map(shown);
        lines.push(domains.length > 0 ? `certificate (Google-managed): ${domains.join(", ")}` : `certificate ${displayName(stack.get(certificate)!)}`);
      }
      if (proxy.config.certificate_map) lines.push(certificateMapLine(stack, proxy.config.certificate_map));
      const sslPolicy = stack.target(proxy.config.ssl_policy, "google_compute_ssl_policy", "google_compute_region_ssl_policy");
      if (sslPolicy) lines.push(`TLS policy ${shown(sslPolicy.config.profile ?? "COMPATIBLE")}, min ${shown(sslPolicy.config.min_tls_version ?? "TLS_1_0")}`);
      const routes = urlMap && (blocks(urlMap.config.host_rule).length > 0 || urlMap.config.default_service !== undefined);
      const redirect = blocks(urlMap?.config.default_url_redirect)[0];
      if (redirect) lines.push(`${routes ? "default: " : ""}${gcpRedirectText(redirect)}`);
      graph.node(rule.address, lines, "box", "frontend");
      graph.edge(address, rule.address);

      if (redirect && !routes && redirect.https_redirect === true) {
        const https = described.find((other) => other.rule.address !== rule.address && gcpProxyProtocol(other.proxy.type) === "HTTPS");
        const code = GCP_REDIRECT_CODES[redirect.redirect_response_code ?? "MOVED_PERMANENTLY_DEFAULT"] ?? "redirect";
        if (https) graph.edge(rule.address, https.rule.address, [`redirect ${code}`], true);
      }
      if (!urlMap) {
        for (const backend of stack.targetsIn(proxy.config.backend_service, ...GCP_BACKEND)) {
          graph.edge(rule.address, backend);
        }
        continue;
      }
      const matchers = new Map<string, any>(blocks(urlMap.config.path_matcher).map((matcher) => [String(matcher.name), matcher]));
      blocks(urlMap.config.host_rule).forEach((hostRule, index) => {
        const key = `${urlMap.address}#host-rule-${index}`;
        const matcher = matchers.get(String(hostRule.path_matcher));
        const ruleLines = ["host rule", ...blocks(hostRule.hosts).map((host) => `host ${shown(host)}`)];
        const matcherRedirect = blocks(matcher?.default_url_redirect)[0];
        if (matcherRedirect) ruleLines.push(gcpRedirectText(matcherRedirect));
        graph.node(key, ruleLines, "hexagon", "frontend");
        graph.edge(rule.address, key);
        for (const backend of stack.targetsIn(matcher?.default_service, ...GCP_BACKEND)) {
          graph.edge(key, backend, blocks(matcher?.path_rule).length > 0 ? ["other paths"] : []);
        }
        for (const pathRule of blocks(matcher?.path_rule)) {
          for (const backend of stack.targetsIn(pathRule.service, ...GCP_BACKEND)) {
            graph.edge(key, backend, blocks(pathRule.paths).map(shown));
          }
        }
      });
      for (const backend of stack.targetsIn(urlMap.config.default_service, ...GCP_BACKEND)) {
        graph.edge(rule.address, backend, ["default"]);
      }
    }
  }
  for (const backend of stack.ofType(...GCP_BACKEND)) {
    const body = backend.config;
    const lines = [backend.type === "google_compute_backend_bucket" ? `backend bucket ${displayName(backend)}` : `backend service ${displayName(backend)}`];
    if (body.protocol || body.port_name) lines.push(`${shown(body.protocol ?? "HTTP")} · port ${shown(body.port_name ?? "http")}`);
    for (const check of stack.targetsIn(body.health_checks, ...GCP_HEALTH_CHECK)) {
      const checkBody = stack.get(check)!.config;
      const probe = blocks(checkBody.http_health_check ?? checkBody.https_health_check ?? checkBody.http2_health_check)[0];
      const path = probe?.request_path ?? checkBody.request_path;
      if (path !== undefined) lines.push(`health check ${shown(path)}`);
    }
    graph.node(backend.address, lines, "box", "frontend");
    for (const entry of blocks(body.backend)) {
      for (const mig of stack.targetsIn(entry.group, ...GCP_MIG)) {
        // The backend names a port; the instance group says which number that name is.
        const named = blocks(stack.get(mig)!.config.named_port).find((port) => port.name === (body.port_name ?? "http"));
        const lines = [shown(entry.balancing_mode ?? "UTILIZATION")];
        if (named) lines.push(`port ${shown(named.name)} = ${shown(named.port)}`);
        graph.edge(backend.address, mig, lines);
      }
    }
  }
}

/** The domains a Certificate Manager map serves: its entries' certificates' managed domains. */
function certificateMapLine(stack: StackResources, value: unknown): string {
  const maps = stack.targetsIn(value, "google_certificate_manager_certificate_map");
  const entries = stack.ofType("google_certificate_manager_certificate_map_entry").filter((entry) => maps.some((map) => stack.mentions(entry.config.map, map)));
  const certificates = [...new Set(entries.flatMap((entry) => stack.targetsIn(entry.config.certificates, "google_certificate_manager_certificate")))];
  const domains = [...new Set(certificates.flatMap((address) => blocks(blocks(stack.get(address)!.config.managed)[0]?.domains).map(shown)))].sort();
  return domains.length > 0 ? `certificates (Certificate Manager): ${domains.join(", ")}` : `certificate map ${shown(value)}`;
}
