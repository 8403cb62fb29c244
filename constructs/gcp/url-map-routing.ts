/**
 * The URL map of `GcpLoadBalancer`: which host rules and path matchers give the services the AWS
 * load balancer's precedence, and how a route names its destination (one backend service, or a
 * service's backend and its canary's, weighted).
 */
import { createHash } from "crypto";

/** What routing needs of a validated service: hostnames and paths normalized, [] when none. */
export interface RoutedService {
  readonly name: string;
  readonly hostnames: string[];
  readonly paths: string[];
}

/** What one host (or "*": any host) routes by path, and the service taking its other paths. */
type HostTable = { readonly paths: Map<string, string>; catchAll?: string };

/** One host rule and its path matcher: hosts whose requests resolve identically. */
export interface Matcher {
  name: string;
  hosts: string[];
  pathRules: { service: string; paths: string[] }[];
  /** Service of requests no path rule matches; undefined: the load balancer's fallback. */
  defaultService?: string;
}

/** Every request `inner` matches, `outer` matches too ("/api/v2/*" ⊆ "/api/*", "/api/x" ⊆ "/api/*"). */
function covers(outer: string, inner: string): boolean {
  if (!outer.endsWith("/*")) return outer === inner;
  const prefix = outer.slice(0, -1);
  return (inner.endsWith("/*") ? inner.slice(0, -1) : inner).startsWith(prefix);
}

/**
 * The URL map for the AWS-equivalent precedence. GCP picks ONE host rule per request (exact host,
 * then the longest matching "*." wildcard, then "*"; hostRules[].hosts in
 * https://cloud.google.com/compute/docs/reference/rest/v1/urlMaps, and Envoy's virtual-host
 * search order that the EXTERNAL_MANAGED load balancer runs on:
 * https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/route/v3/route_components.proto#config-route-v3-virtualhost)
 * and within it the longest matching path (https://cloud.google.com/load-balancing/docs/url-map-concepts).
 * So each host's path matcher carries the rules of every lower precedence level that applies to it,
 * up to its first catch-all, leaving out a lower-level path that a higher-level one covers (longest
 * match would otherwise let it win over the higher level, which an ALB never does).
 */
export function buildRouting(services: RoutedService[], defaultService: string | undefined, fail: (prop: string, problem: string, allowed: string) => never) {
  const tables = new Map<string, HostTable>();
  const table = (host: string) => tables.get(host) ?? tables.set(host, { paths: new Map() }).get(host)!;
  const anyHost = table("*");
  services.forEach((service, index) => {
    const hosts = service.hostnames.length > 0 ? service.hostnames : ["*"];
    hosts.forEach((host, hostIndex) => {
      const hostTable = table(host);
      if (service.paths.length === 0) {
        if (host === "*" && hostTable.catchAll !== undefined) {
          fail(`services[${index}]`, `has neither hostnames nor paths, like service "${hostTable.catchAll}"`, "only one service may take every request the others do not match");
        }
        if (hostTable.catchAll !== undefined) {
          fail(`services[${index}].hostnames[${hostIndex}]`, `"${host}" is already routed to service "${hostTable.catchAll}"`, "unique host names across services");
        }
        hostTable.catchAll = service.name;
      }
      service.paths.forEach((path, pathIndex) => {
        const owner = hostTable.paths.get(path);
        if (owner !== undefined) {
          const where = host === "*" ? path : `${host}${path}`;
          fail(`services[${index}].paths[${pathIndex}]`, `"${where}" is already routed to service "${owner}"`, "each host and path goes to exactly one service");
        }
        hostTable.paths.set(path, service.name);
      });
    });
  });
  if (defaultService !== undefined && anyHost.catchAll !== undefined && anyHost.catchAll !== defaultService) {
    fail("defaultService", `"${defaultService}" conflicts with service "${anyHost.catchAll}", which has neither hostnames nor paths and so already takes every unmatched request`, "leave defaultService out, or give that service hostnames or paths");
  }
  anyHost.catchAll ??= defaultService;

  const wildcardsOf = (host: string) =>
    [...tables.keys()]
      .filter((pattern) => pattern.startsWith("*.") && pattern !== host && host.endsWith(pattern.slice(1)))
      .sort((a, b) => b.length - a.length);
  const resolve = (host: string): Omit<Matcher, "name" | "hosts"> => {
    const levels: HostTable[][] = host === "*" ? [[anyHost]] : [[table(host)], wildcardsOf(host).map(table), [anyHost]];
    if (host.startsWith("*.")) levels.splice(0, 2, [table(host), ...wildcardsOf(host).map(table)]);
    const rules: [string, string][] = [];
    for (const level of levels) {
      for (const { paths } of level) {
        for (const [path, service] of paths) if (!rules.some(([taken]) => covers(taken, path))) rules.push([path, service]);
      }
      const catchAll = level.find((candidate) => candidate.catchAll !== undefined)?.catchAll;
      if (catchAll !== undefined) return { pathRules: groupRules(rules), defaultService: catchAll };
    }
    return { pathRules: groupRules(rules) };
  };

  const matchers: Matcher[] = [];
  const hostsInOrder = [...tables.keys()].filter((host) => host !== "*");
  // "*" only needs a rule when path-only services exist; otherwise the map's default covers it.
  if (anyHost.paths.size > 0) hostsInOrder.push("*");
  for (const host of hostsInOrder) {
    const resolved = resolve(host);
    const key = JSON.stringify(resolved);
    const same = matchers.find((matcher) => JSON.stringify({ pathRules: matcher.pathRules, defaultService: matcher.defaultService }) === key);
    if (same) same.hosts.push(host);
    else matchers.push({ name: "", hosts: [host], ...resolved });
  }
  for (const matcher of matchers) {
    // A host group served by one service alone keeps that service's name (as before paths existed).
    matcher.name =
      matcher.pathRules.length === 0 && matcher.defaultService !== undefined
        ? matcher.defaultService
        : `routes-${createHash("sha256").update(matcher.hosts.join("\n")).digest("hex").slice(0, 8)}`;
  }
  const redirectHost = hostsInOrder.find((host) => !host.includes("*") && resolve(host).defaultService !== undefined);
  return { matchers, redirectHost, defaultService: anyHost.catchAll };
}

function groupRules(rules: [string, string][]): Matcher["pathRules"] {
  const services = [...new Set(rules.map(([, service]) => service))];
  return services.map((service) => ({ service, paths: rules.filter(([, owner]) => owner === service).map(([path]) => path) }));
}

/** Where the URL map sends one service's requests. */
export interface ServiceBackends {
  /** Id of the service's backend service. */
  readonly stable: string;
  /** Its canary's backend service and the percent of the service's requests it takes. */
  readonly canary?: { readonly id: string; readonly weight: number };
}

interface WeightedRouteAction {
  weightedBackendServices: { backendService: string; weight: number }[];
}

/**
 * URL map weights are relative (each 0-1000, the share is weight / sum), so percents serve as they
 * are. Without header_action or session affinity every request is weighed on its own, like the AWS
 * weighted forward with stickiness off.
 */
function weighted(stable: string, canary: { id: string; weight: number }): WeightedRouteAction {
  return {
    weightedBackendServices: [
      { backendService: stable, weight: 100 - canary.weight },
      { backendService: canary.id, weight: canary.weight },
    ],
  };
}

/**
 * The default of a path matcher or of the URL map: `default_service`, or for a service with a
 * canary `default_route_action`, which must then stand alone (a default_service next to it may not
 * carry weighted backends).
 */
export function defaultRoute(to: ServiceBackends): { defaultService: string } | { defaultRouteAction: WeightedRouteAction } {
  return to.canary ? { defaultRouteAction: weighted(to.stable, to.canary) } : { defaultService: to.stable };
}

/** The destination of a path rule: `service`, or `route_action` (which excludes it) with a canary. */
export function pathRuleRoute(to: ServiceBackends): { service: string } | { routeAction: WeightedRouteAction } {
  return to.canary ? { routeAction: weighted(to.stable, to.canary) } : { service: to.stable };
}
