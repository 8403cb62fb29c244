/** The smallest Google Cloud resources that break each GCP rule, built with the bindings. */
import { ComputeFirewall, ComputeFirewallConfig } from "@cdktf/provider-google/lib/compute-firewall";
import { ComputeGlobalForwardingRule } from "@cdktf/provider-google/lib/compute-global-forwarding-rule";
import { ComputeInstanceTemplate, ComputeInstanceTemplateConfig } from "@cdktf/provider-google/lib/compute-instance-template";
import { ComputeRegionInstanceGroupManager } from "@cdktf/provider-google/lib/compute-region-instance-group-manager";
import { ComputeSslPolicy } from "@cdktf/provider-google/lib/compute-ssl-policy";
import { ComputeTargetHttpProxy } from "@cdktf/provider-google/lib/compute-target-http-proxy";
import { ComputeTargetHttpsProxy } from "@cdktf/provider-google/lib/compute-target-https-proxy";
import { ComputeUrlMap } from "@cdktf/provider-google/lib/compute-url-map";
import { SqlDatabaseInstance, SqlDatabaseInstanceSettings } from "@cdktf/provider-google/lib/sql-database-instance";
import { Construct } from "constructs";
import { FiringCase } from "./firing-case";

export function firewall(scope: Construct, id: string, config: Partial<ComputeFirewallConfig>): ComputeFirewall {
  return new ComputeFirewall(scope, id, { name: id, network: "default", ...config });
}

/** An instance template that satisfies every GCP rule except what `overrides` breaks. */
export function compliantTemplate(scope: Construct, id: string, overrides: Partial<ComputeInstanceTemplateConfig> = {}): ComputeInstanceTemplate {
  return new ComputeInstanceTemplate(scope, id, {
    machineType: "e2-small",
    disk: [{ sourceImage: "debian-cloud/debian-12", boot: true }],
    networkInterface: [{ subnetwork: "projects/p/regions/r/subnetworks/s" }],
    shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
    metadata: { "block-project-ssh-keys": "true" },
    ...overrides,
  });
}

/** A Cloud SQL instance that satisfies every GCP rule except what `settings`/`deletionProtection` break. */
export function compliantSql(
  scope: Construct,
  id: string,
  settings: Partial<SqlDatabaseInstanceSettings> = {},
  deletionProtection = true,
): SqlDatabaseInstance {
  return new SqlDatabaseInstance(scope, id, {
    databaseVersion: "MYSQL_8_4",
    region: "europe-west1",
    deletionProtection,
    settings: {
      tier: "db-custom-1-3840",
      availabilityType: "REGIONAL",
      deletionProtectionEnabled: true,
      backupConfiguration: { enabled: true, binaryLogEnabled: true },
      ipConfiguration: { ipv4Enabled: false, privateNetwork: "projects/p/global/networks/n", sslMode: "ENCRYPTED_ONLY" },
      ...settings,
    },
  });
}

/** HTTP forwarding rule → HTTP proxy → a URL map built by `urlMap`. */
export function httpFrontEnd(scope: Construct, urlMap: ComputeUrlMap): void {
  const proxy = new ComputeTargetHttpProxy(scope, "http-proxy", { name: "http", urlMap: urlMap.id });
  new ComputeGlobalForwardingRule(scope, "http-rule", { name: "http", target: proxy.id, portRange: "80", loadBalancingScheme: "EXTERNAL_MANAGED" });
}

export const GCP_FIRING_CASES: FiringCase[] = [
  {
    rule: "GCP-FW-INGRESS-ADMIN-OPEN",
    name: "SSH from 0.0.0.0/0",
    cloud: "gcp",
    build: (scope) => firewall(scope, "ssh", { allow: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["0.0.0.0/0"] }),
    type: "google_compute_firewall",
    resource: "ssh",
    detail: "allow[0] tcp 22 (SSH 22) from 0.0.0.0/0",
  },
  {
    rule: "GCP-FW-INGRESS-ADMIN-OPEN",
    name: "all protocols with no source (GCP then means 0.0.0.0/0)",
    cloud: "gcp",
    build: (scope) => firewall(scope, "everything", { allow: [{ protocol: "all" }] }),
    type: "google_compute_firewall",
    resource: "everything",
    detail: "allow[0] all protocols and ports from 0.0.0.0/0 (the default when no source is set)",
  },
  {
    rule: "GCP-FW-INGRESS-ADMIN-OPEN",
    name: "RDP inside a port range, from ::/0",
    cloud: "gcp",
    build: (scope) => firewall(scope, "range", { allow: [{ protocol: "tcp", ports: ["3000-4000"] }], sourceRanges: ["::/0"] }),
    type: "google_compute_firewall",
    resource: "range",
    detail: "allow[0] tcp 3000-4000 (RDP 3389) from ::/0",
  },
  {
    rule: "GCP-FW-INGRESS-OPEN",
    name: "application port from 0.0.0.0/0",
    cloud: "gcp",
    build: (scope) =>
      firewall(scope, "app", { allow: [{ protocol: "tcp", ports: ["443", "8080"] }], sourceRanges: ["35.191.0.0/16", "0.0.0.0/0"] }),
    type: "google_compute_firewall",
    resource: "app",
    detail: "allow[0] tcp 8080 from 0.0.0.0/0",
  },
  {
    rule: "GCP-VM-EXTERNAL-IP",
    name: "instance template with an ephemeral external IP",
    cloud: "gcp",
    build: (scope) =>
      compliantTemplate(scope, "template", { networkInterface: [{ subnetwork: "s", accessConfig: [{ networkTier: "PREMIUM" }] }] }),
    type: "google_compute_instance_template",
    resource: "template",
    detail: "network_interface[0] has an access_config (external IPv4)",
  },
  {
    rule: "GCP-VM-SECURE-BOOT",
    name: "no shielded VM secure boot",
    cloud: "gcp",
    build: (scope) => compliantTemplate(scope, "template", { shieldedInstanceConfig: { enableVtpm: true } }),
    type: "google_compute_instance_template",
    resource: "template",
    detail: "shielded_instance_config.enable_secure_boot is not set",
  },
  {
    rule: "GCP-VM-BLOCK-PROJECT-SSH-KEYS",
    name: "project-wide SSH keys accepted",
    cloud: "gcp",
    build: (scope) => compliantTemplate(scope, "template", { metadata: { "enable-oslogin": "TRUE" } }),
    type: "google_compute_instance_template",
    resource: "template",
    detail: "metadata.block-project-ssh-keys is not set",
  },
  {
    rule: "GCP-SQL-PRIVATE",
    name: "Cloud SQL with the default public IP",
    cloud: "gcp",
    build: (scope) => compliantSql(scope, "sql", { ipConfiguration: { sslMode: "ENCRYPTED_ONLY" } }),
    type: "google_sql_database_instance",
    resource: "sql",
    detail: "settings.ip_configuration.ipv4_enabled is not set (defaults to true: a public IP)",
  },
  {
    rule: "GCP-SQL-AUTHORIZED-NETWORKS-OPEN",
    name: "Cloud SQL authorizing the whole internet",
    cloud: "gcp",
    build: (scope) =>
      compliantSql(scope, "sql", {
        ipConfiguration: { ipv4Enabled: true, sslMode: "ENCRYPTED_ONLY", authorizedNetworks: [{ name: "office", value: "203.0.113.0/24" }, { value: "0.0.0.0/0" }] },
      }),
    type: "google_sql_database_instance",
    resource: "sql",
    detail: "settings.ip_configuration.authorized_networks[1] is 0.0.0.0/0",
  },
  {
    rule: "GCP-SQL-SSL",
    name: "Cloud SQL accepting unencrypted connections",
    cloud: "gcp",
    build: (scope) =>
      compliantSql(scope, "sql", { ipConfiguration: { ipv4Enabled: false, privateNetwork: "n", sslMode: "ALLOW_UNENCRYPTED_AND_ENCRYPTED" } }),
    type: "google_sql_database_instance",
    resource: "sql",
    detail: 'settings.ip_configuration.ssl_mode is "ALLOW_UNENCRYPTED_AND_ENCRYPTED"',
  },
  {
    rule: "GCP-LB-TLS12",
    name: "HTTPS proxy with a TLS 1.0 SSL policy",
    cloud: "gcp",
    build: (scope) => {
      const policy = new ComputeSslPolicy(scope, "legacy-tls", { name: "legacy", minTlsVersion: "TLS_1_0", profile: "COMPATIBLE" });
      new ComputeTargetHttpsProxy(scope, "https-proxy", { name: "https", urlMap: "url-map", sslCertificates: ["cert"], sslPolicy: policy.id });
    },
    type: "google_compute_target_https_proxy",
    resource: "https-proxy",
    detail: 'ssl policy legacy-tls has min_tls_version "TLS_1_0"',
  },
  {
    rule: "GCP-LB-TLS12",
    name: "HTTPS proxy without an SSL policy",
    cloud: "gcp",
    build: (scope) => new ComputeTargetHttpsProxy(scope, "https-proxy", { name: "https", urlMap: "url-map", sslCertificates: ["cert"] }),
    type: "google_compute_target_https_proxy",
    resource: "https-proxy",
    detail: "ssl_policy is not set: Google's default policy admits TLS 1.0",
  },
  {
    rule: "GCP-LB-HTTP-REDIRECT",
    name: "port 80 serving the backends",
    cloud: "gcp",
    build: (scope) => httpFrontEnd(scope, new ComputeUrlMap(scope, "serving-map", { name: "serving", defaultService: "backend" })),
    type: "google_compute_global_forwarding_rule",
    resource: "http-rule",
    detail: "url map serving-map serves traffic (default_service) instead of only redirecting",
  },
  {
    rule: "GCP-LB-HTTP-REDIRECT",
    name: "port 80 redirecting without switching to HTTPS",
    cloud: "gcp",
    build: (scope) =>
      httpFrontEnd(scope, new ComputeUrlMap(scope, "host-redirect", { name: "redirect", defaultUrlRedirect: { hostRedirect: "www.example.com", stripQuery: false } })),
    type: "google_compute_global_forwarding_rule",
    resource: "http-rule",
    detail: "url map host-redirect default_url_redirect.https_redirect is not set",
  },
  {
    rule: "GCP-SQL-REGIONAL",
    name: "zonal production database",
    cloud: "gcp",
    production: true,
    build: (scope) => compliantSql(scope, "sql", { availabilityType: "ZONAL" }),
    type: "google_sql_database_instance",
    resource: "sql",
    detail: 'settings.availability_type is "ZONAL"',
  },
  {
    rule: "GCP-SQL-BACKUPS",
    name: "production database without backups",
    cloud: "gcp",
    production: true,
    build: (scope) => compliantSql(scope, "sql", { backupConfiguration: { enabled: false } }),
    type: "google_sql_database_instance",
    resource: "sql",
    detail: "settings.backup_configuration.enabled is false",
  },
  {
    rule: "GCP-SQL-DELETION-PROTECTION",
    name: "production database Terraform may delete",
    cloud: "gcp",
    production: true,
    build: (scope) => compliantSql(scope, "sql", {}, false),
    type: "google_sql_database_instance",
    resource: "sql",
    detail: "deletion_protection is false",
  },
  {
    rule: "GCP-SQL-DELETION-PROTECTION",
    name: "production database without API deletion protection",
    cloud: "gcp",
    production: true,
    build: (scope) => compliantSql(scope, "sql", { deletionProtectionEnabled: false }),
    type: "google_sql_database_instance",
    resource: "sql",
    detail: "settings.deletion_protection_enabled is false",
  },
  {
    rule: "GCP-MIG-AUTOHEALING",
    name: "production instance group without autohealing",
    cloud: "gcp",
    production: true,
    build: (scope) =>
      new ComputeRegionInstanceGroupManager(scope, "group", {
        name: "group",
        baseInstanceName: "web",
        region: "europe-west1",
        version: [{ instanceTemplate: compliantTemplate(scope, "template").selfLinkUnique }],
      }),
    type: "google_compute_region_instance_group_manager",
    resource: "group",
    detail: "no auto_healing_policies",
  },
];
