/**
 * The listener rules of the LoadBalancer, planned without creating anything: each service's
 * hostnames and paths are checked and normalized, every (host, path) is checked to reach one
 * service, and the rules are laid out on ALB priorities.
 *
 * ## Precedence
 * ALB tries a listener's rules from the lowest priority number up and takes the first match, so
 * the rules come in tiers, most specific first (service i is 0-based, n numbers its rules in a tier):
 *
 * | tier                 | priority                      | construct id                 |
 * | -------------------- | ----------------------------- | ---------------------------- |
 * | exact host + path    | 5000 + 10·(i+1) + n           | `host-path-rule-<service>-<n>` |
 * | exact host           | 10·(i+1) + n, or 10000 + that | `rule-<service>-<n>`         |
 * | wildcard host + path | 15000 + 10·(i+1) + n          | `wildcard-path-rule-<service>-<n>` |
 * | wildcard host        | 20000 + 10·(i+1) + n          | `wildcard-rule-<service>-<n>` |
 * | path on any host     | 25000 + 10·(i+1) + n          | `path-rule-<service>-<n>`    |
 *
 * and then the listener's default action. A host with "*" or "?" is a wildcard host. A service
 * with both kinds of host has rules in both tiers. Within a tier, overlapping patterns of two
 * services (say "/api/*" and "/api/v2/*") go to the one listed first, whatever their length.
 *
 * Exact-host rules keep the priorities and ids they had before paths and wildcards existed
 * (10·(i+1) + n) while no service combines an exact host with paths; the first that does moves
 * them all up by 10000, in place (same resources, a priority update each), because they must now
 * come after its rules; removing the last one moves them back. Adding wildcards or path-only
 * services never moves an existing rule. During the apply that moves them, requests keep the old
 * routing until every moved rule is updated.
 *
 * ## Why an apply cannot collide on a priority
 * AWS refuses a second rule with a priority already used on the listener, and Terraform creates,
 * updates and deletes rules in parallel, in no fixed order. Every priority number belongs to one
 * (tier, service position, rule number), hence to one construct id: the blocks of 10 per service
 * never reach the next tier (at most 100 services, one target group each), and the two exact-host
 * ranges (10..1009 and 10010..11009) overlap no other tier. So the number a rule is created at or
 * moved to is never held by another rule, before or after the change. What does break this is a
 * service changing position: append new services, never reorder or remove one in the middle.
 */
import { PropsFailure } from "../../lib/errors";
import { ALB_PATH_CHARACTERS, ALB_RULE } from "./limits";

/** Rules one service may have in one tier: the size of its priority block. */
const RULES_PER_SERVICE = 10;
/** Exact hostnames a service may list: they fill its block, 5 per rule. */
const MAX_HOSTNAMES = ALB_RULE.conditionValues * RULES_PER_SERVICE;
// A block per tier, far enough apart for 100 services of 10 rules.
const TIER_SPAN = 5000;

const HOST_PATTERN = /^[a-z0-9*?.-]+$/;
// The characters ALB accepts in a path pattern, less its wildcards.

/** How a service is reached, as given. */
export interface RoutingInput {
  readonly name: string;
  readonly hostnames?: string[];
  readonly paths?: string[];
}

/** A service's hostnames (lower case, no trailing dot) and paths, validated, in the given order. */
export interface Routes {
  readonly hosts: string[];
  readonly paths: string[];
}

/** One listener rule to create: host-header and/or path-pattern conditions, forwarding to `service`. */
export interface PlannedRule {
  readonly id: string;
  readonly priority: number;
  /** Index of the service in the props. */
  readonly service: number;
  readonly hosts?: string[];
  readonly paths?: string[];
  /** What follows "<load balancer>-<service>-" in the rule's Name tag. */
  readonly tagSuffix: string;
}

const wildcards = (value: string): number => value.replace(/[^*?]/g, "").length;
const isWildcardHost = (host: string): boolean => wildcards(host) > 0;

/** Validates and normalizes one service's hostnames and paths; `at` is its prop path ("services[2]"). */
export function serviceRoutes(service: RoutingInput, at: string, fail: PropsFailure): Routes {
  const rawHosts = service.hostnames ?? [];
  const paths = service.paths ?? [];
  if (rawHosts.length > MAX_HOSTNAMES) fail(`${at}.hostnames`, `has ${rawHosts.length} entries (at most ${MAX_HOSTNAMES} per service)`);
  // A prefix path spends one wildcard of the rule it shares with the host.
  const prefixPath = paths.some((path) => path.endsWith("/*"));
  const hostWildcardBudget = ALB_RULE.conditionWildcards - (prefixPath ? 1 : 0);
  // ALB compares host headers case-insensitively: duplicates are detected the same way.
  const hosts = rawHosts.map((raw, index) => {
    const host = raw.trim().toLowerCase().replace(/\.$/, "");
    const field = `${at}.hostnames[${index}]`;
    if (host.length === 0 || host.length > ALB_RULE.valueLength || !HOST_PATTERN.test(host)) {
      fail(field, `"${raw}" is not a host name pattern (1..${ALB_RULE.valueLength} of a-z, 0-9, "-", ".", "*" and "?")`);
    }
    if (wildcards(host) > hostWildcardBudget) {
      const why = prefixPath ? `ALB allows ${ALB_RULE.conditionWildcards} per rule, and the prefix path takes one` : "per ALB rule";
      fail(field, `"${host}" has ${wildcards(host)} wildcards (at most ${hostWildcardBudget} ${why})`);
    }
    return host;
  });
  hosts.forEach((host, index) => {
    if (hosts.indexOf(host) !== index) fail(`${at}.hostnames[${index}]`, `"${host}" is listed twice`);
  });
  paths.forEach((path, index) => {
    const field = `${at}.paths[${index}]`;
    if (!path.startsWith("/")) fail(field, `"${path}" must start with "/"`);
    if (path.length > ALB_RULE.valueLength) fail(field, `"${path}" is ${path.length} characters long (at most ${ALB_RULE.valueLength})`);
    const fixed = path.endsWith("/*") ? path.slice(0, -1) : path;
    if (/[*?]/.test(fixed)) {
      fail(field, `"${path}" has a wildcard other than a trailing "/*" (exact like /health, or a prefix like /api/*: GCP URL maps accept no other)`);
    }
    if (!ALB_PATH_CHARACTERS.test(fixed)) {
      fail(field, `"${path}" has a character ALB path patterns do not accept (A-Z, a-z, 0-9 and _ - . $ / ~ " ' @ : + &)`);
    }
    if (paths.indexOf(path) !== index) fail(field, `"${path}" is listed twice`);
  });
  return { hosts, paths };
}

/**
 * Every (host, path) reaches one service, and a service no rule reaches is the default one.
 * `services` are the validated routes in props order, `names` their names.
 */
export function checkRouteOwners(names: string[], services: Routes[], defaultService: string | undefined, fail: PropsFailure): void {
  const owners = new Map<string, string>();
  services.forEach((routes, index) => {
    const at = `services[${index}]`;
    const hosts = routes.hosts;
    if (hosts.length === 0 && routes.paths.length === 0) {
      if (names[index] !== defaultService) {
        fail(at, `has neither hostnames nor paths, so no rule reaches it (make it the defaultService, or give it hostnames or paths)`);
      }
      return;
    }
    for (const host of hosts.length > 0 ? hosts : [undefined]) {
      for (const path of routes.paths.length > 0 ? routes.paths : [undefined]) {
        const route = host === undefined ? `"${path}" on any host` : `"${host}${path ?? ""}"`;
        const owner = owners.get(route);
        if (owner !== undefined) {
          const field = path === undefined ? `${at}.hostnames[${hosts.indexOf(host!)}]` : `${at}.paths[${routes.paths.indexOf(path)}]`;
          fail(field, `${route} is already routed to service "${owner}" (each host and path goes to exactly one service)`);
        }
        owners.set(route, names[index]);
      }
    }
  });
}

/** Greedy groups of consecutive values within a rule's budget of values and wildcards. */
function pack(values: string[], maxValues: number, maxWildcards: number): string[][] {
  const groups: string[][] = [];
  let group: string[] = [];
  let spent = 0;
  for (const value of values) {
    if (group.length === maxValues || spent + wildcards(value) > maxWildcards) {
      groups.push(group);
      group = [];
      spent = 0;
    }
    group.push(value);
    spent += wildcards(value);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * Rules whose host AND path conditions cover every host × path, within ALB's values and wildcards
 * per rule: the split of the 5 values between hosts and paths that needs the fewest rules.
 */
function hostPathRules(hosts: string[], paths: string[]): { hosts: string[]; paths: string[] }[] {
  let best: { hosts: string[]; paths: string[] }[] | undefined;
  for (let pathValues = 1; pathValues < ALB_RULE.conditionValues; pathValues++) {
    const pathGroups = pack(paths, pathValues, ALB_RULE.conditionWildcards);
    const pathWildcards = Math.max(...pathGroups.map((group) => wildcards(group.join(""))));
    // serviceRoutes keeps every host within what is left (a prefix path has one wildcard).
    const hostGroups = pack(hosts, ALB_RULE.conditionValues - pathValues, ALB_RULE.conditionWildcards - pathWildcards);
    const rules = hostGroups.flatMap((hostGroup) => pathGroups.map((pathGroup) => ({ hosts: hostGroup, paths: pathGroup })));
    if (best === undefined || rules.length < best.length) best = rules;
  }
  return best!;
}

type Tier = "host-path" | "host" | "wildcard-path" | "wildcard" | "path";
const TIERS: readonly Tier[] = ["host-path", "host", "wildcard-path", "wildcard", "path"];
const TIER_WHAT: Record<Tier, string> = {
  "host-path": "exact hostnames and paths",
  host: "exact hostnames",
  "wildcard-path": "wildcard hostnames and paths",
  wildcard: "wildcard hostnames",
  path: "paths",
};

function tierRules(tier: Tier, routes: Routes): { hosts?: string[]; paths?: string[] }[] {
  const { hosts, paths } = routes;
  const exactHosts = hosts.filter((host) => !isWildcardHost(host));
  const wildcardHosts = hosts.filter(isWildcardHost);
  const hostOnly = (hosts: string[]) =>
    paths.length > 0 ? [] : pack(hosts, ALB_RULE.conditionValues, ALB_RULE.conditionWildcards).map((group) => ({ hosts: group }));
  const withPaths = (hosts: string[]) => (hosts.length > 0 && paths.length > 0 ? hostPathRules(hosts, paths) : []);
  switch (tier) {
    case "host-path":
      return withPaths(exactHosts);
    case "host":
      return hostOnly(exactHosts);
    case "wildcard-path":
      return withPaths(wildcardHosts);
    case "wildcard":
      return hostOnly(wildcardHosts);
    case "path":
      return hosts.length > 0 ? [] : pack(paths, ALB_RULE.conditionValues, ALB_RULE.conditionWildcards).map((group) => ({ paths: group }));
  }
}

/** The rules of all services, by the scheme in this module's comment. */
export function planRules(names: string[], services: Routes[], fail: PropsFailure): PlannedRule[] {
  const byTier = TIERS.map((tier) => services.map((routes) => tierRules(tier, routes)));
  const exactHostsMove = byTier[TIERS.indexOf("host-path")].some((rules) => rules.length > 0);
  return TIERS.flatMap((tier, tierIndex) => {
    const base = tier === "host" && !exactHostsMove ? 0 : TIER_SPAN * (tierIndex + 1);
    return byTier[tierIndex].flatMap((rules, service) => {
      if (rules.length > RULES_PER_SERVICE) {
        fail(
          `services[${service}]`,
          `needs ${rules.length} listener rules for its ${TIER_WHAT[tier]} (at most ${RULES_PER_SERVICE}; a rule holds ${ALB_RULE.conditionValues} hostnames and paths together)`,
        );
      }
      const name = names[service];
      return rules.map((rule, n) => ({
        ...rule,
        id: tier === "host" ? `rule-${name}-${n}` : `${tier}-rule-${name}-${n}`,
        priority: base + RULES_PER_SERVICE * (service + 1) + n,
        service,
        tagSuffix: tier === "host" ? `${n}` : `${tier}-${n}`,
      }));
    });
  });
}
