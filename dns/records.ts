/**
 * What to create at an external DNS provider, read from a stack's Terraform state: the records a
 * managed certificate validates (ACM `domain_validation_options`, Certificate Manager
 * `dns_resource_record`) and the records that send each hostname to the load balancer (AWS: CNAME,
 * or ALIAS at the apex, to the ALB's DNS name; GCP: A to the global address). Records the state
 * already writes into a Route 53 or Cloud DNS zone are left out: they exist.
 *
 * Pure over the state JSON (`terraform state pull`), so it is tested on fabricated states; the
 * state is read while the deploy still waits for the certificate, so a partial state is normal.
 * No cdktf here: the command must start fast.
 */
import { InputError } from "../lib/cli-io";

export interface DnsRecordToCreate {
  /** Fully qualified, without the trailing dot. */
  readonly name: string;
  /** ALIAS stands for the provider's apex alias (ALIAS, ANAME, CNAME flattening). */
  readonly type: "CNAME" | "ALIAS" | "A";
  /** Without the trailing dot. */
  readonly value: string;
  readonly purpose: "certificate validation" | "service";
}

export interface DnsRecordsReport {
  readonly records: DnsRecordToCreate[];
  /** Sentences about what is missing or needs the provider's support. */
  readonly notes: string[];
}

export interface DnsRecordsOptions {
  /**
   * The domain's apex, which cannot hold a CNAME. Without it, the apex is the name of a zone in
   * the state, else any two-label name (wrong for domains under two-label suffixes such as
   * example.co.uk: pass the apex then).
   */
  readonly apex?: string;
}

interface StateResource {
  readonly type: string;
  readonly attributes: Record<string, any>[];
}

const bare = (name: unknown): string => String(name ?? "").trim().toLowerCase().replace(/\.$/, "");
const list = (value: unknown): any[] => (Array.isArray(value) ? value : []);
// Google references the same resource by id ("projects/p/global/urlMaps/m") or by self link
// ("https://www.googleapis.com/compute/v1/projects/p/global/urlMaps/m").
const googleKey = (link: unknown): string => String(link ?? "").replace(/^https:\/\/[^/]+\/compute\/[^/]+\//, "");

/** The managed resources of a state (format version 4), or an InputError saying why it is not one. */
function resourcesOf(state: unknown): StateResource[] {
  if (state === null || typeof state !== "object" || Array.isArray(state) || !Array.isArray((state as any).resources)) {
    throw new InputError('not a Terraform state (expected an object with "version": 4 and "resources")');
  }
  if ((state as any).version !== 4) throw new InputError(`state format version ${(state as any).version} is not supported (expected 4, Terraform ≥ 0.12)`);
  return (state as any).resources
    .filter((resource: any) => resource?.mode === "managed" && typeof resource.type === "string")
    .map((resource: any) => ({
      type: resource.type,
      attributes: list(resource.instances).map((instance) => instance?.attributes ?? {}),
    }));
}

export function dnsRecordsFromState(state: unknown, options: DnsRecordsOptions = {}): DnsRecordsReport {
  const resources = resourcesOf(state);
  const all = (type: string): Record<string, any>[] => resources.filter((resource) => resource.type === type).flatMap((resource) => resource.attributes);

  // What the stack writes into its own zone needs no hand-made record.
  const managed = new Set<string>();
  for (const record of [...all("aws_route53_record"), ...all("google_dns_record_set")]) {
    for (const name of [record.name, record.fqdn]) if (name) managed.add(`${bare(name)} ${record.type}`);
  }
  const zoneApexes = new Set([...all("aws_route53_zone").map((zone) => bare(zone.name)), ...all("google_dns_managed_zone").map((zone) => bare(zone.dns_name))]);
  const apex = options.apex === undefined ? undefined : bare(options.apex);
  const isApex = (name: string): boolean => (apex !== undefined ? name === apex : zoneApexes.has(name) || name.split(".").length === 2);

  const records: DnsRecordToCreate[] = [];
  const seen = new Set<string>();
  const add = (record: DnsRecordToCreate): void => {
    const key = `${record.name} ${record.type} ${record.value}`;
    if (seen.has(key) || managed.has(`${record.name} ${record.type}`)) return;
    // A service name written into the zone as an alias (A) needs nothing by hand either.
    if (record.purpose === "service" && (managed.has(`${record.name} A`) || managed.has(`${record.name} CNAME`))) return;
    seen.add(key);
    records.push(record);
  };

  const certificates = [...all("aws_acm_certificate"), ...all("google_certificate_manager_dns_authorization")];
  for (const option of all("aws_acm_certificate").flatMap((certificate) => list(certificate.domain_validation_options))) {
    add({ name: bare(option.resource_record_name), type: option.resource_record_type, value: bare(option.resource_record_value), purpose: "certificate validation" });
  }
  for (const record of all("google_certificate_manager_dns_authorization").flatMap((authorization) => list(authorization.dns_resource_record))) {
    add({ name: bare(record.name), type: record.type, value: bare(record.data), purpose: "certificate validation" });
  }

  const service: DnsRecordToCreate[] = [];
  const apexNames = new Set<string>();
  // AWS: host-header rule → listener → load balancer.
  const loadBalancers = new Map(all("aws_lb").map((lb) => [lb.arn, lb]));
  const listeners = new Map(all("aws_lb_listener").map((listener) => [listener.arn, listener]));
  for (const rule of all("aws_lb_listener_rule")) {
    const loadBalancer = loadBalancers.get(listeners.get(rule.listener_arn)?.load_balancer_arn);
    if (!loadBalancer?.dns_name) continue;
    const hosts = list(rule.condition).flatMap((condition) => list(condition?.host_header)).flatMap((header) => list(header?.values));
    for (const host of hosts.map(bare)) {
      if (isApex(host)) apexNames.add(host);
      service.push({ name: host, type: isApex(host) ? "ALIAS" : "CNAME", value: bare(loadBalancer.dns_name), purpose: "service" });
    }
  }
  // GCP: forwarding rule → target proxy → URL map host rules; the rule holds the address.
  const proxies = new Map(
    [...all("google_compute_target_https_proxy"), ...all("google_compute_target_http_proxy")].flatMap((proxy) => [
      [googleKey(proxy.id), proxy],
      [googleKey(proxy.self_link), proxy],
    ]),
  );
  const urlMaps = new Map(all("google_compute_url_map").flatMap((map) => [[googleKey(map.id), map], [googleKey(map.self_link), map]]));
  for (const rule of all("google_compute_global_forwarding_rule")) {
    const urlMap = urlMaps.get(googleKey(proxies.get(googleKey(rule.target))?.url_map));
    if (!urlMap || !rule.ip_address) continue;
    for (const host of list(urlMap.host_rule).flatMap((hostRule) => list(hostRule?.hosts)).map(bare)) {
      service.push({ name: host, type: "A", value: rule.ip_address, purpose: "service" });
    }
  }
  service.sort((a, b) => a.name.localeCompare(b.name)).forEach(add);

  const notes: string[] = [];
  const hasLoadBalancer = all("aws_lb").length + all("google_compute_global_forwarding_rule").length > 0;
  if (certificates.length === 0 && !hasLoadBalancer) {
    notes.push("nothing in the state yet: the deploy creates the certificate and load balancer in its first minutes; run again");
  } else if (!hasLoadBalancer) {
    notes.push("the load balancer is not in the state yet: its records follow once it is created; run again");
  } else if (certificates.length === 0) {
    notes.push("no certificate in the state yet: its validation records follow once it is created; run again");
  }
  if (records.length === 0 && notes.length === 0) {
    notes.push("nothing to create by hand: the stack writes every record into its own zone");
  }
  for (const name of [...apexNames].filter((name) => records.some((record) => record.name === name && record.type === "ALIAS"))) {
    notes.push(
      `${name} is the apex, which cannot be a CNAME: create an ALIAS/ANAME record (CNAME flattening) if your DNS provider supports one, else the apex cannot point at the load balancer from there`,
    );
  }
  return { records, notes };
}

/** One line per record, columns aligned; notes follow as "# " lines. */
export function formatDnsRecords(report: DnsRecordsReport): string[] {
  const nameWidth = Math.max(0, ...report.records.map((record) => record.name.length));
  const typeWidth = Math.max(0, ...report.records.map((record) => record.type.length));
  return [
    ...report.records.map((record) => `${record.name.padEnd(nameWidth)}  ${record.type.padEnd(typeWidth)}  ${record.value}`),
    ...report.notes.map((note) => `# ${note}`),
  ];
}
