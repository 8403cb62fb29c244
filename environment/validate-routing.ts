/**
 * Cross-field rules for what the load balancer routes and how the names reach it: hostnames and
 * paths per service, the catch-all service, the domain, and the DNS mode with the zone ids each
 * cloud section must give for it.
 */
import { DnsMode, EnvironmentFile } from "./schema";

type Report = (path: string, message: string) => void;

/** The DNS mode in effect: explicit, or `existing` when a cloud section names a zone, else `create`. */
export function effectiveDnsMode(spec: Pick<EnvironmentFile, "dns" | "aws" | "gcp">): DnsMode {
  return spec.dns?.mode ?? (spec.aws?.hostedZoneId || spec.gcp?.dnsZoneName ? "existing" : "create");
}

/** `*.example.com` → true */
export function isWildcard(hostname: string): boolean {
  return hostname.startsWith("*.");
}

export function checkRouting(spec: EnvironmentFile, report: Report): void {
  const routeOwner = new Map<string, string>();
  const catchAll: number[] = [];
  spec.services.forEach((service, index) => {
    const at = `services[${index}]`;
    const hostnames = service.hostnames ?? [];
    const paths = service.paths ?? [];
    if (hostnames.length === 0 && paths.length === 0) catchAll.push(index);

    hostnames.forEach((host, hostIndex) => {
      const field = `${at}.hostnames[${hostIndex}]`;
      if (spec.domain === undefined) {
        report(field, `${host} needs a domain (set domain, or route this service by paths: without a domain the load balancer serves HTTP on its own address)`);
      } else if (host !== spec.domain && !host.endsWith(`.${spec.domain}`)) {
        report(field, `${host} is outside the DNS zone ${spec.domain} (use a name ending in .${spec.domain})`);
      } else if (isWildcard(host) && host.slice(2).includes("*")) {
        report(field, `${host}: only one leading "*." label is allowed`);
      } else if (spec.domain && effectiveDnsMode(spec) === "external" && host === spec.domain && !spec.dns?.apexAlias) {
        report(
          field,
          `${host} is the zone apex, which cannot be a CNAME at a DNS provider (set dns.apexAlias: true if yours supports ALIAS/ANAME records, or route www.${host})`,
        );
      }
    });
    // A request is (host, path): each pair reaches exactly one service.
    for (const host of hostnames.length > 0 ? hostnames : ["(any host)"]) {
      for (const path of paths.length > 0 ? paths : ["(any path)"]) {
        if (host === "(any host)" && path === "(any path)") continue;
        const key = `${host} ${path}`;
        const owner = routeOwner.get(key);
        const field = paths.length > 0 ? `${at}.paths[${paths.indexOf(path)}]` : `${at}.hostnames[${hostnames.indexOf(host)}]`;
        if (owner !== undefined) {
          report(field, `${path === "(any path)" ? host : `${host}${path}`} is already routed to service "${owner}" (each host and path goes to exactly one service)`);
        }
        routeOwner.set(key, service.name);
      }
    }
  });
  if (spec.domain !== undefined && spec.services.every((service) => !service.hostnames)) {
    report("domain", `no service lists a hostname of ${spec.domain} (route at least one hostname, or leave domain out to serve HTTP on the load balancer's address)`);
  }
  checkOverlappingPaths(spec, report);
  const fallback = catchAll.length > 0 || spec.services.some((service) => service.hostnames?.some((host) => !isWildcard(host)) && !service.paths);
  if (!fallback) {
    report(
      "services",
      "no service takes the requests the others do not match (give one service neither hostnames nor paths; GCP URL maps need a backend or a host to redirect to for them)",
    );
  }
  for (const index of catchAll.slice(1)) {
    report(
      `services[${index}]`,
      `has neither hostnames nor paths, like services[${catchAll[0]}] (only one service may take every request the others do not match)`,
    );
  }
}

/**
 * Overlapping prefixes on the same hosts (`/api/*` and `/api/v2/*` for two services) are refused:
 * AWS picks by rule order and GCP by the longest path, so the clouds would disagree.
 */
function checkOverlappingPaths(spec: EnvironmentFile, report: Report): void {
  const scoped = spec.services.flatMap((service, index) =>
    (service.paths ?? []).map((path, pathIndex) => ({ index, pathIndex, name: service.name, hosts: service.hostnames ?? ["(any host)"], path })),
  );
  for (const inner of scoped) {
    for (const outer of scoped) {
      if (outer.index === inner.index || !outer.path.endsWith("/*") || inner.path === outer.path) continue;
      const prefix = outer.path.slice(0, -1);
      const sharesHost = inner.hosts.some((host) => outer.hosts.includes(host));
      if (sharesHost && inner.path.startsWith(prefix)) {
        report(
          `services[${inner.index}].paths[${inner.pathIndex}]`,
          `${inner.path} is inside ${outer.path} of service "${outer.name}" on the same hosts (AWS orders overlapping paths by service, GCP by length; use prefixes that do not nest)`,
        );
      }
    }
  }
}

export function checkDns(spec: EnvironmentFile, report: Report): void {
  const mode = effectiveDnsMode(spec);
  if (spec.domain === undefined) {
    if (spec.dns?.mode !== undefined) report("dns.mode", `${spec.dns.mode} needs a domain (set domain, or remove the dns section)`);
    if (spec.certificate?.wildcard) report("certificate.wildcard", "needs a domain (without one the load balancer serves HTTP only)");
    for (const field of ["aws.hostedZoneId", "aws.parentHostedZoneId", "gcp.dnsZoneName", "gcp.parentDnsZone"]) {
      const [cloud, key] = field.split(".") as ["aws" | "gcp", string];
      if ((spec[cloud] as Record<string, unknown> | undefined)?.[key] !== undefined) report(field, "needs a domain (remove it, or set domain)");
    }
    return;
  }
  const needs = (field: string, present: unknown, why: string) => {
    if (present === undefined) report(field, `is required with dns.mode ${mode} (${why})`);
  };
  const refuses = (field: string, present: unknown) => {
    if (present !== undefined) report(field, `is only used with dns.mode ${field.endsWith("dnsZoneName") || field.endsWith("hostedZoneId") ? "existing" : "delegate"} (dns.mode is ${mode}; remove it)`);
  };
  if (spec.aws) {
    if (mode === "existing") needs("aws.hostedZoneId", spec.aws.hostedZoneId, "the Route 53 zone of " + spec.domain);
    else refuses("aws.hostedZoneId", spec.aws.hostedZoneId);
    if (mode === "delegate") needs("aws.parentHostedZoneId", spec.aws.parentHostedZoneId, "the Route 53 zone of the parent domain");
    else refuses("aws.parentHostedZoneId", spec.aws.parentHostedZoneId);
  }
  if (spec.gcp) {
    if (mode === "existing") needs("gcp.dnsZoneName", spec.gcp.dnsZoneName, "the managed zone of " + spec.domain);
    else refuses("gcp.dnsZoneName", spec.gcp.dnsZoneName);
    if (mode === "delegate") needs("gcp.parentDnsZone", spec.gcp.parentDnsZone, "the managed zone of the parent domain: {name, project}");
    else refuses("gcp.parentDnsZone", spec.gcp.parentDnsZone);
  }
  if (mode === "delegate" && !spec.domain.includes(".", spec.domain.indexOf(".") + 1)) {
    report("dns.mode", `delegate needs a subdomain such as dev.${spec.domain} (${spec.domain} itself is delegated at its registrar)`);
  }
  if (spec.dns?.apexAlias && mode !== "external") report("dns.apexAlias", `only applies to dns.mode external (dns.mode is ${mode})`);
}
