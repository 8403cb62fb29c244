/**
 * Google Cloud rules: firewall exposure, VM hardening, Cloud SQL privacy and TLS, load balancer
 * TLS and HTTP→HTTPS redirect, plus production reliability settings.
 */
import { block, blocks, isFalse, isTrue, parseReference, referenced } from "../lib/terraform-json";
import {
  adminExposure,
  ALL_PORTS,
  describeRange,
  isWorld,
  joinProblems,
  normalizeProtocol,
  PortRange,
  show,
} from "./config-helpers";
import { PolicyRule, ResolvedResource } from "./types";

const VM_TYPES = ["google_compute_instance_template", "google_compute_region_instance_template", "google_compute_instance"];
const SQL_TYPES = ["google_sql_database_instance"];
const MIG_TYPES = ["google_compute_region_instance_group_manager", "google_compute_instance_group_manager"];
const HTTP_PROXY_TYPES = ["google_compute_target_http_proxy", "google_compute_region_target_http_proxy"];
const HTTPS_PROXY_TYPES = ["google_compute_target_https_proxy", "google_compute_region_target_https_proxy"];
const URL_MAP_TYPES = ["google_compute_url_map", "google_compute_region_url_map"];
const SSL_POLICY_TYPES = ["google_compute_ssl_policy", "google_compute_region_ssl_policy"];
const FORWARDING_RULE_TYPES = ["google_compute_global_forwarding_rule", "google_compute_forwarding_rule"];

/** "22" or "1000-2000" → range; anything else (a reference) → unknown bounds. */
function parsePorts(text: unknown): PortRange {
  const match = /^(\d+)(?:-(\d+))?$/.exec(String(text).trim());
  return match ? { from: Number(match[1]), to: Number(match[2] ?? match[1]) } : {};
}

interface Allowed {
  where: string;
  protocol: string;
  ranges: PortRange[];
}

/** The allow entries of an INGRESS firewall open to the internet, with the world source named. */
function worldAllowed(config: any): { source: string; allowed: Allowed[] } | undefined {
  if (String(config.direction ?? "INGRESS").toUpperCase() !== "INGRESS" || isTrue(config.disabled)) return undefined;
  const ranges = blocks(config.source_ranges);
  const anySource = ranges.length > 0 || blocks(config.source_tags).length > 0 || blocks(config.source_service_accounts).length > 0;
  // GCP applies 0.0.0.0/0 to an ingress rule that names no source at all.
  const source = anySource ? ranges.find(isWorld) : "0.0.0.0/0 (the default when no source is set)";
  if (!source) return undefined;
  const allowed = blocks(config.allow).map((entry, index) => {
    const ports = blocks(entry.ports);
    return {
      where: `allow[${index}]`,
      protocol: normalizeProtocol(entry.protocol),
      ranges: ports.length === 0 ? [ALL_PORTS] : ports.map(parsePorts),
    };
  });
  return { source, allowed };
}

const adminFirewall: PolicyRule = {
  id: "GCP-FW-INGRESS-ADMIN-OPEN",
  severity: "high",
  title: "No firewall rule admits SSH 22, RDP 3389 or all ports/protocols from 0.0.0.0/0 or ::/0",
  fix: "Use gcp.network.iapSsh: true (SSH from Identity-Aware Proxy's range only); never open 22/3389/all to the internet",
  resourceTypes: ["google_compute_firewall"],
  check: (config) => {
    const open = worldAllowed(config);
    if (!open) return undefined;
    return joinProblems(
      open.allowed.flatMap((entry) =>
        entry.ranges.map((range) => {
          const exposure = adminExposure(entry.protocol, range);
          return exposure ? `${entry.where} ${exposure} from ${open.source}` : undefined;
        }),
      ),
    );
  },
};

const openFirewall: PolicyRule = {
  id: "GCP-FW-INGRESS-OPEN",
  severity: "high",
  title: "INGRESS firewall rules admit the internet (0.0.0.0/0, ::/0, or no source) on tcp 80/443 at most",
  fix: "Admit the load balancer and health checks from Google's probe ranges only (GcpNetwork.allowLoadBalancerHealthChecks)",
  resourceTypes: ["google_compute_firewall"],
  check: (config) => {
    const open = worldAllowed(config);
    if (!open) return undefined;
    return joinProblems(
      open.allowed.flatMap((entry) =>
        entry.ranges.map((range) => {
          if (adminExposure(entry.protocol, range)) return undefined; // the admin rule's finding
          const web = entry.protocol === "tcp" && range.from === range.to && (range.from === 80 || range.from === 443);
          return web ? undefined : `${entry.where} ${entry.protocol || "protocol?"} ${describeRange(range)} from ${open.source}`;
        }),
      ),
    );
  },
};

const externalIp: PolicyRule = {
  id: "GCP-VM-EXTERNAL-IP",
  severity: "high",
  title: "VMs get no external IP (no access_config / ipv6_access_config on their network interfaces)",
  fix: "Leave accessConfig off the instance template's network_interface; egress goes through Cloud NAT (constructs/gcp/instance-group.ts)",
  resourceTypes: VM_TYPES,
  check: (config) =>
    joinProblems(
      blocks(config.network_interface).flatMap((nic, index) => [
        blocks(nic.access_config).length > 0 ? `network_interface[${index}] has an access_config (external IPv4)` : undefined,
        blocks(nic.ipv6_access_config).length > 0 ? `network_interface[${index}] has an ipv6_access_config (external IPv6)` : undefined,
      ]),
    ),
};

/**
 * Google Front End and health-check probes, and Identity-Aware Proxy TCP forwarding: the sources a
 * VM with an external IP may admit and still be reachable only through the load balancer (IAP
 * checks identity before forwarding). Written out here, not imported from the constructs, so the
 * policy does not follow a change to what the network admits.
 */
const LOAD_BALANCER_SOURCES = ["130.211.0.0/22", "35.191.0.0/16", "35.235.240.0/20"];

/**
 * Why a VM (or template) admits more than the load balancer, or undefined when every INGRESS allow
 * rule that targets it (by network tag, service account, or no target at all) admits only Google's
 * load balancer, health-check and IAP ranges. The NAT-less layout relies on this to accept external IPs.
 */
export function vmsAdmitMoreThanLoadBalancer(self: ResolvedResource, all: ResolvedResource[]): string | undefined {
  const tags = blocks(self.config.tags);
  const accounts = blocks(self.config.service_account).map((account) => account.email);
  const targeting = all.filter((resource) => {
    const config = resource.config;
    if (resource.type !== "google_compute_firewall" || blocks(config.allow).length === 0 || isTrue(config.disabled)) return false;
    if (String(config.direction ?? "INGRESS").toUpperCase() !== "INGRESS") return false;
    const targetTags = blocks(config.target_tags);
    const targetAccounts = blocks(config.target_service_accounts);
    if (targetTags.length === 0 && targetAccounts.length === 0) return true; // every VM of the network
    return targetTags.some((tag) => tags.includes(tag)) || targetAccounts.some((account) => accounts.includes(account));
  });
  return joinProblems(
    targeting.map((firewall) => {
      const config = firewall.config;
      const ranges = blocks(config.source_ranges);
      const others = [
        ...ranges.filter((range) => !LOAD_BALANCER_SOURCES.includes(range)),
        ...blocks(config.source_tags).map((tag) => `tag ${tag}`),
        ...blocks(config.source_service_accounts).map((account) => `service account ${account}`),
      ];
      const unset = ranges.length === 0 && others.length === 0 ? ["0.0.0.0/0 (the default when no source is set)"] : [];
      const sources = [...others, ...unset];
      return sources.length > 0 ? `firewall ${firewall.path} admits ${sources.join(", ")}` : undefined;
    }),
  );
}

const secureBoot: PolicyRule = {
  id: "GCP-VM-SECURE-BOOT",
  severity: "medium",
  title: "VMs boot with Shielded VM secure boot",
  fix: "Set shielded_instance_config.enable_secure_boot true on the instance template (constructs/gcp/instance-group.ts)",
  resourceTypes: VM_TYPES,
  check: (config) => {
    const shielded = block(config.shielded_instance_config);
    return isTrue(shielded?.enable_secure_boot) ? undefined : `shielded_instance_config.enable_secure_boot is ${show(shielded?.enable_secure_boot)}`;
  },
};

const blockProjectSshKeys: PolicyRule = {
  id: "GCP-VM-BLOCK-PROJECT-SSH-KEYS",
  severity: "medium",
  title: "VMs ignore project-wide SSH keys (metadata block-project-ssh-keys = true)",
  fix: "Set metadata block-project-ssh-keys \"true\" on the instance template (constructs/gcp/instance-group.ts)",
  resourceTypes: VM_TYPES,
  check: (config) => {
    const value = config.metadata?.["block-project-ssh-keys"];
    return isTrue(value) ? undefined : `metadata.block-project-ssh-keys is ${show(value)}`;
  },
};

function sqlSettings(config: any): any {
  return block(config.settings) ?? {};
}

function sqlIpConfiguration(config: any): any {
  return block(sqlSettings(config).ip_configuration) ?? {};
}

const sqlPrivate: PolicyRule = {
  id: "GCP-SQL-PRIVATE",
  severity: "high",
  title: "Cloud SQL has no public IPv4 address (settings.ip_configuration.ipv4_enabled = false)",
  fix: "Set ipv4_enabled false with a private_network (constructs/gcp/cloud-sql.ts)",
  resourceTypes: SQL_TYPES,
  check: (config) => {
    const value = sqlIpConfiguration(config).ipv4_enabled;
    if (isFalse(value)) return undefined;
    return `settings.ip_configuration.ipv4_enabled is ${show(value)}${value === undefined ? " (defaults to true: a public IP)" : ""}`;
  },
};

const sqlAuthorizedNetworks: PolicyRule = {
  id: "GCP-SQL-AUTHORIZED-NETWORKS-OPEN",
  severity: "high",
  title: "Cloud SQL authorized networks never include 0.0.0.0/0 or ::/0",
  fix: "Remove the open authorized network; clients connect over the private network (constructs/gcp/cloud-sql.ts)",
  resourceTypes: SQL_TYPES,
  check: (config) =>
    joinProblems(
      blocks(sqlIpConfiguration(config).authorized_networks).map((network, index) =>
        isWorld(network.value) ? `settings.ip_configuration.authorized_networks[${index}] is ${network.value}` : undefined,
      ),
    ),
};

const SQL_TLS_MODES = ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"];

const sqlSsl: PolicyRule = {
  id: "GCP-SQL-SSL",
  severity: "high",
  title: "Cloud SQL accepts encrypted connections only (ssl_mode ENCRYPTED_ONLY or TRUSTED_CLIENT_CERTIFICATE_REQUIRED)",
  fix: "Set settings.ip_configuration.ssl_mode \"ENCRYPTED_ONLY\" (constructs/gcp/cloud-sql.ts)",
  resourceTypes: SQL_TYPES,
  check: (config) => {
    const mode = sqlIpConfiguration(config).ssl_mode;
    return SQL_TLS_MODES.includes(mode) ? undefined : `settings.ip_configuration.ssl_mode is ${show(mode)}`;
  },
};

const proxyTls: PolicyRule = {
  id: "GCP-LB-TLS12",
  severity: "high",
  title: "HTTPS proxies use an SSL policy of this stack with min_tls_version TLS_1_2 or TLS_1_3",
  fix: "Attach the load balancer's google_compute_ssl_policy (min_tls_version TLS_1_2, profile MODERN) to the HTTPS proxy (constructs/gcp/load-balancer.ts)",
  resourceTypes: HTTPS_PROXY_TYPES,
  check: (config, { all }) => {
    if (config.ssl_policy === undefined) return "ssl_policy is not set: Google's default policy admits TLS 1.0";
    const policy = referenced(all, config.ssl_policy, SSL_POLICY_TYPES);
    if (!policy) return `ssl_policy ${show(config.ssl_policy)} is not an SSL policy of this stack, so its TLS version cannot be verified`;
    const version = policy.config.min_tls_version;
    return version === "TLS_1_2" || version === "TLS_1_3"
      ? undefined
      : `ssl policy ${policy.path} has min_tls_version ${show(version)}${version === undefined ? " (defaults to TLS_1_0)" : ""}`;
  },
};

/** Why a URL map serves content instead of only redirecting to HTTPS, or undefined when it only redirects. */
function notRedirectOnly(urlMap: ResolvedResource): string | undefined {
  const config = urlMap.config;
  const serves = ["default_service", "default_route_action", "host_rule", "path_matcher"].filter(
    (key) => blocks(config[key]).length > 0,
  );
  if (serves.length > 0) return `url map ${urlMap.path} serves traffic (${serves.join(", ")}) instead of only redirecting`;
  const redirect = block(config.default_url_redirect);
  return isTrue(redirect?.https_redirect) ? undefined : `url map ${urlMap.path} default_url_redirect.https_redirect is ${show(redirect?.https_redirect)}`;
}

function coversPort80(portRange: unknown): boolean {
  if (portRange === undefined) return true; // no range: every port the target's protocol uses
  const range = parsePorts(portRange);
  return range.from === undefined || range.to === undefined || (range.from <= 80 && 80 <= range.to);
}

const httpRedirect: PolicyRule = {
  id: "GCP-LB-HTTP-REDIRECT",
  severity: "high",
  title: "Plain-HTTP forwarding rules reach an HTTP proxy whose URL map only redirects to HTTPS",
  fix: "Point the port-80 forwarding rule at a target HTTP proxy whose url map has only default_url_redirect { https_redirect = true } (constructs/gcp/load-balancer.ts)",
  resourceTypes: FORWARDING_RULE_TYPES,
  check: (config, { all }) => {
    if (config.target === undefined) return undefined; // backend-service forwarding (internal TCP/UDP), not HTTP
    if (referenced(all, config.target, HTTPS_PROXY_TYPES)) return undefined;
    const httpProxy = referenced(all, config.target, HTTP_PROXY_TYPES);
    if (!httpProxy) {
      const reference = parseReference(config.target);
      // A reference to another kind of target (SSL/TCP proxy, target pool) is not plain HTTP.
      const otherTarget = reference !== undefined && !HTTP_PROXY_TYPES.includes(reference.type);
      return !otherTarget && coversPort80(config.port_range)
        ? `target ${show(config.target)} is not a proxy of this stack, so the HTTP→HTTPS redirect cannot be verified`
        : undefined;
    }
    const urlMap = referenced(all, httpProxy.config.url_map, URL_MAP_TYPES);
    if (!urlMap) return `HTTP proxy ${httpProxy.path} url_map ${show(httpProxy.config.url_map)} is not a url map of this stack`;
    return notRedirectOnly(urlMap);
  },
};

const sqlRegional: PolicyRule = {
  id: "GCP-SQL-REGIONAL",
  severity: "medium",
  productionOnly: true,
  title: "Production Cloud SQL is REGIONAL (a standby in a second zone)",
  fix: "Remove database.highAvailability: false from config/<env>.yaml (production defaults to REGIONAL)",
  resourceTypes: SQL_TYPES,
  check: (config) => {
    const type = sqlSettings(config).availability_type;
    return type === "REGIONAL" ? undefined : `settings.availability_type is ${show(type)}`;
  },
};

const sqlBackups: PolicyRule = {
  id: "GCP-SQL-BACKUPS",
  severity: "high",
  productionOnly: true,
  title: "Production Cloud SQL takes automated backups (settings.backup_configuration.enabled = true)",
  fix: "Enable backup_configuration with database.backupRetentionDays retained backups (constructs/gcp/cloud-sql.ts)",
  resourceTypes: SQL_TYPES,
  check: (config) => {
    const backups = block(sqlSettings(config).backup_configuration);
    return isTrue(backups?.enabled) ? undefined : `settings.backup_configuration.enabled is ${show(backups?.enabled)}`;
  },
};

const sqlDeletionProtection: PolicyRule = {
  id: "GCP-SQL-DELETION-PROTECTION",
  severity: "high",
  productionOnly: true,
  title: "Production Cloud SQL is protected from deletion by Terraform (deletion_protection) and by the API (settings.deletion_protection_enabled)",
  fix: "Use stage: production (the GCP stack then sets CloudSqlDatabase.deletionProtection, which sets both)",
  resourceTypes: SQL_TYPES,
  check: (config) =>
    joinProblems([
      // The provider defaults deletion_protection to true; only an explicit false disables it.
      isFalse(config.deletion_protection) ? "deletion_protection is false" : undefined,
      isTrue(sqlSettings(config).deletion_protection_enabled)
        ? undefined
        : `settings.deletion_protection_enabled is ${show(sqlSettings(config).deletion_protection_enabled)}`,
    ]),
};

const migAutohealing: PolicyRule = {
  id: "GCP-MIG-AUTOHEALING",
  severity: "medium",
  productionOnly: true,
  title: "Production managed instance groups recreate instances that fail a health check (auto_healing_policies)",
  fix: "Give the instance group an auto_healing_policies block with the service's health check (constructs/gcp/instance-group.ts)",
  resourceTypes: MIG_TYPES,
  check: (config) => {
    const policy = block(config.auto_healing_policies);
    if (!policy) return "no auto_healing_policies";
    return policy.health_check ? undefined : "auto_healing_policies has no health_check";
  },
};

export const GCP_RULES: PolicyRule[] = [
  adminFirewall,
  openFirewall,
  externalIp,
  secureBoot,
  blockProjectSshKeys,
  sqlPrivate,
  sqlAuthorizedNetworks,
  sqlSsl,
  proxyTls,
  httpRedirect,
  sqlRegional,
  sqlBackups,
  sqlDeletionProtection,
  migAutohealing,
];
