/**
 * Global external Application Load Balancer (EXTERNAL_MANAGED, Envoy-based) in front of the
 * services: one static IPv4 address and one backend service per service, routed by Host header
 * and/or path. With a certificate map (`GcpCertificate`): HTTPS on 443 and HTTP on 80 redirecting
 * to HTTPS. Without one: HTTP on 80 only, serving the routing URL map.
 *
 * Routing precedence, the same as the AWS load balancer's rule priorities: exact host + path >
 * exact host > wildcard host + path > wildcard host > path only (any host) > `defaultService`.
 *
 * The VMs must admit the Google front ends and health checkers (130.211.0.0/22, 35.191.0.0/16)
 * on their named port: that firewall rule belongs to the network, targeted at the group's tag.
 */
import { createHash } from "crypto";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { ComputeBackendService } from "@cdktf/provider-google/lib/compute-backend-service";
import { ComputeGlobalAddress } from "@cdktf/provider-google/lib/compute-global-address";
import { ComputeGlobalForwardingRule } from "@cdktf/provider-google/lib/compute-global-forwarding-rule";
import { ComputeSslPolicy } from "@cdktf/provider-google/lib/compute-ssl-policy";
import { ComputeTargetHttpProxy } from "@cdktf/provider-google/lib/compute-target-http-proxy";
import { ComputeTargetHttpsProxy } from "@cdktf/provider-google/lib/compute-target-https-proxy";
import { ComputeUrlMap, ComputeUrlMapDefaultUrlRedirect } from "@cdktf/provider-google/lib/compute-url-map";
import { propsFailure } from "../../lib/errors";
import { BACKEND_SERVICE_TIMEOUT_SECONDS, GCP_HOSTNAME, GCP_NAME, GCP_NAME_MAX, GCP_ROUTED_PATH, GCP_ROUTED_PATH_MAX } from "./limits";
import { describeRange } from "../../lib/range";

/** How a backend service spreads requests over the instances of its group. */
export type LocalityPolicy = "ROUND_ROBIN" | "LEAST_REQUEST";

/** One service reached through the load balancer by Host header and/or path. */
export interface GcpLoadBalancedService {
  /**
   * Short service name (lower-case letters, digits, "-", starting with a letter); the backend service is
   * named "<lb name>-<service name>" (at most 63 characters) and `backendServiceIds` is keyed by it.
   */
  readonly name: string;
  /**
   * Host names routed to this service, exact ("api.example.com") or wildcard ("*.example.com", any
   * name ending in ".example.com" that no exact hostname claims). Compared in lower case without a
   * trailing dot.
   * @default none: the service is routed by `paths` on every host, or is the `defaultService`
   */
  readonly hostnames?: string[];
  /**
   * Paths routed to this service on its hostnames (on every host when it has none): exact
   * ("/health") or a prefix ending in "/*" ("/api/*" matches "/api/" and below, not "/api"). With
   * hostnames, a request is routed here when its host AND path match.
   * @default none: every path of its hostnames
   */
  readonly paths?: string[];
  /** The managed instance group's instance_group URL (`GcpInstanceGroup.instanceGroup`). */
  readonly instanceGroup: string;
  /** Named port of the group the backend service sends traffic to (`GcpInstanceGroup.portName`). */
  readonly portName: string;
  /** Health check (id or self link) of the backend service. */
  readonly healthCheckId: string;
}

export interface GcpLoadBalancerProps {
  /**
   * Base name of every resource (address, backend services, URL maps, proxies, rules).
   * Lower-case letters, digits and "-", starting with a letter, not ending with "-", at most 49 characters
   * (room for the "-http-redirect" suffix within GCP's 63).
   */
  readonly name: string;
  /** The services and how requests reach them; no two may claim the same host and path. */
  readonly services: GcpLoadBalancedService[];
  /**
   * The service that answers requests no hostname or path rule matches.
   * @default none: such requests are redirected (302) to the first exact hostname that routes every
   * path to a service (with HTTPS, to https://); when there is no such hostname (e.g. HTTP-only path
   * routing) a defaultService is required
   */
  readonly defaultService?: string;
  /**
   * `GcpCertificate.certificateMapId` ("projects/<p>/locations/global/certificateMaps/<name>"):
   * serve HTTPS on 443 with its certificates and redirect HTTP to HTTPS.
   * @default none: HTTP only on port 80
   */
  readonly certificateMapId?: string;
  /**
   * Backend service timeout in seconds (1-86400). For websockets (STOMP) it is the maximum lifetime of a
   * connection, not an idle timeout: raise it for long-lived connections.
   * @default 30
   */
  readonly timeoutSeconds?: number;
  /** Request distribution among the instances of each backend. @default "ROUND_ROBIN" */
  readonly localityPolicy?: LocalityPolicy;
  /**
   * Lowest TLS version clients may negotiate: "TLS_1_2" uses the MODERN profile (forward-secret AEAD
   * ciphers), "TLS_1_3" the RESTRICTED one. Unused without HTTPS.
   * @default "TLS_1_2"
   */
  readonly minTlsVersion?: "TLS_1_2" | "TLS_1_3";
  /**
   * Seconds an instance being removed (scale-in, rolling update) keeps its in-flight requests (0-3600).
   * Shorter than Google's 300 s so rolling updates do not stall on every instance.
   * @default 30
   */
  readonly connectionDrainingTimeoutSeconds?: number;
}

/** The longest suffix appended to `name`: "-http-redirect" (14 characters). */
const MAX_NAME = GCP_NAME_MAX - "-http-redirect".length;
const CERTIFICATE_MAP_ID = /^projects\/[^/]+\/locations\/global\/certificateMaps\/[^/]+$/;
const LOCALITY_POLICIES: LocalityPolicy[] = ["ROUND_ROBIN", "LEAST_REQUEST"];
const SSL_PROFILES: Record<string, string> = { TLS_1_2: "MODERN", TLS_1_3: "RESTRICTED" };

export class GcpLoadBalancer extends Construct {
  /** The load balancer's static IPv4 address: the target of the services' A records. */
  readonly ipAddress: string;
  /** Id of each service's backend service, keyed by service name. */
  readonly backendServiceIds: Record<string, string>;
  /** Id of the routing URL map (served over HTTPS, or over HTTP without HTTPS). */
  readonly urlMapId: string;
  /** Whether 443 serves HTTPS (and 80 redirects to it): true exactly when `certificateMapId` is given. */
  readonly https: boolean;
  /** Every hostname of every service, sorted (exact and wildcard). */
  readonly domains: string[];

  constructor(scope: Construct, id: string, props: GcpLoadBalancerProps) {
    super(scope, id);
    const { services, domains, routing } = validate(id, props);
    const name = props.name;
    this.https = props.certificateMapId !== undefined;

    const address = new ComputeGlobalAddress(this, "address", {
      name,
      description: `Public address of the ${name} load balancer`,
      addressType: "EXTERNAL",
      ipVersion: "IPV4",
    });

    this.backendServiceIds = {};
    for (const service of services) {
      const backend = new ComputeBackendService(this, `backend-${service.name}`, {
        name: service.backendName,
        description: `${service.name} behind the ${name} load balancer`,
        loadBalancingScheme: "EXTERNAL_MANAGED",
        protocol: "HTTP",
        portName: service.portName,
        timeoutSec: props.timeoutSeconds ?? 30,
        connectionDrainingTimeoutSec: props.connectionDrainingTimeoutSeconds ?? 30,
        healthChecks: [service.healthCheckId],
        backend: [{ group: service.instanceGroup, balancingMode: "UTILIZATION", capacityScaler: 1 }],
        localityLbPolicy: props.localityPolicy ?? "ROUND_ROBIN",
        logConfig: { enable: true, sampleRate: 1 },
      });
      this.backendServiceIds[service.name] = backend.id;
    }

    // Requests no rule matches (scanners probing the bare IP, stale DNS) are not handed to an
    // arbitrary backend: they go to the defaultService, or are redirected (302, not cached) to a
    // hostname that routes every path, so the redirect cannot loop.
    const fallback: { defaultService?: string; defaultUrlRedirect?: ComputeUrlMapDefaultUrlRedirect } = routing.defaultService
      ? { defaultService: this.backendServiceIds[routing.defaultService] }
      : { defaultUrlRedirect: { hostRedirect: routing.redirectHost, httpsRedirect: this.https, redirectResponseCode: "FOUND", stripQuery: false } };
    // The name stays "-https" without HTTPS too: adding a domain later must not replace the map
    // the HTTP proxy is using.
    const urlMap = new ComputeUrlMap(this, "https-url-map", {
      name: `${name}-https`,
      description: `Host routing of the ${name} load balancer`,
      ...fallback,
      hostRule: routing.matchers.map((matcher) => ({ hosts: matcher.hosts, pathMatcher: matcher.name })),
      pathMatcher: routing.matchers.map((matcher) => ({
        name: matcher.name,
        ...(matcher.defaultService ? { defaultService: this.backendServiceIds[matcher.defaultService] } : fallback),
        pathRule: matcher.pathRules.length
          ? matcher.pathRules.map((rule) => ({ paths: rule.paths, service: this.backendServiceIds[rule.service] }))
          : undefined,
      })),
    });

    let httpMap = urlMap;
    if (this.https) {
      const minTlsVersion = props.minTlsVersion ?? "TLS_1_2";
      const sslPolicy = new ComputeSslPolicy(this, "ssl-policy", {
        name: `${name}-tls`,
        description: `TLS settings of the ${name} load balancer`,
        minTlsVersion,
        profile: SSL_PROFILES[minTlsVersion],
      });
      const httpsProxy = new ComputeTargetHttpsProxy(this, "https-proxy", {
        name: `${name}-https`,
        description: `HTTPS front end of the ${name} load balancer`,
        urlMap: urlMap.id,
        // The proxy takes the map's full resource name, not its id (targetHttpsProxies.certificateMap).
        certificateMap: `//certificatemanager.googleapis.com/${props.certificateMapId}`,
        sslPolicy: sslPolicy.id,
      });
      new ComputeGlobalForwardingRule(this, "https-forwarding-rule", {
        name: `${name}-https`,
        description: `HTTPS (443) of the ${name} load balancer`,
        loadBalancingScheme: "EXTERNAL_MANAGED",
        ipProtocol: "TCP",
        ipAddress: address.address,
        portRange: "443",
        target: httpsProxy.id,
      });
      httpMap = new ComputeUrlMap(this, "http-url-map", {
        name: `${name}-http-redirect`,
        description: `Redirects HTTP to HTTPS on the ${name} load balancer`,
        defaultUrlRedirect: { httpsRedirect: true, redirectResponseCode: "MOVED_PERMANENTLY_DEFAULT", stripQuery: false },
      });
    }

    const httpProxy = new ComputeTargetHttpProxy(this, "http-proxy", {
      name: `${name}-http`,
      description: this.https ? `HTTP front end (redirect only) of the ${name} load balancer` : `HTTP front end of the ${name} load balancer`,
      urlMap: httpMap.id,
    });
    new ComputeGlobalForwardingRule(this, "http-forwarding-rule", {
      name: `${name}-http`,
      description: this.https ? `HTTP (80) of the ${name} load balancer, redirecting to HTTPS` : `HTTP (80) of the ${name} load balancer`,
      loadBalancingScheme: "EXTERNAL_MANAGED",
      ipProtocol: "TCP",
      ipAddress: address.address,
      portRange: "80",
      target: httpProxy.id,
    });

    this.ipAddress = address.address;
    this.urlMapId = urlMap.id;
    this.domains = domains;
  }
}

interface ValidService extends GcpLoadBalancedService {
  readonly backendName: string;
  readonly hostnames: string[];
  readonly paths: string[];
}

/** What one host (or "*": any host) routes by path, and the service taking its other paths. */
type HostTable = { readonly paths: Map<string, string>; catchAll?: string };

/** One host rule and its path matcher: hosts whose requests resolve identically. */
interface Matcher {
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
function buildRouting(services: ValidService[], defaultService: string | undefined, fail: (prop: string, problem: string, allowed: string) => never) {
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

function validate(id: string, props: GcpLoadBalancerProps) {
  const fail = (prop: string, problem: string, allowed: string): never => propsFailure("GcpLoadBalancer", id)(prop, problem, allowed);
  const isIntegerIn = (value: unknown, min: number, max: number): boolean =>
    typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;

  if (typeof props.name !== "string" || !GCP_NAME.test(props.name) || props.name.length > MAX_NAME) {
    fail("name", `"${props.name}" is not a valid name`, `lower-case letters, digits and "-", starting with a letter, not ending with "-", at most ${MAX_NAME} characters`);
  }
  if (props.timeoutSeconds !== undefined && !isIntegerIn(props.timeoutSeconds, BACKEND_SERVICE_TIMEOUT_SECONDS.min, BACKEND_SERVICE_TIMEOUT_SECONDS.max)) {
    fail("timeoutSeconds", `${props.timeoutSeconds} is out of range`, describeRange(BACKEND_SERVICE_TIMEOUT_SECONDS));
  }
  if (props.localityPolicy !== undefined && !LOCALITY_POLICIES.includes(props.localityPolicy)) {
    fail("localityPolicy", `"${props.localityPolicy}" is not supported`, LOCALITY_POLICIES.map((p) => `"${p}"`).join(" or "));
  }
  if (props.minTlsVersion !== undefined && !(props.minTlsVersion in SSL_PROFILES)) {
    fail("minTlsVersion", `"${props.minTlsVersion}" is not supported`, '"TLS_1_2" or "TLS_1_3"');
  }
  const draining = props.connectionDrainingTimeoutSeconds;
  if (draining !== undefined && !isIntegerIn(draining, 0, 3600)) {
    fail("connectionDrainingTimeoutSeconds", `${draining} is out of range`, "an integer from 0 to 3600");
  }
  const mapId = props.certificateMapId;
  if (mapId !== undefined && (typeof mapId !== "string" || (!Token.isUnresolved(mapId) && !CERTIFICATE_MAP_ID.test(mapId)))) {
    fail("certificateMapId", `"${mapId}" is not a certificate map id`, "GcpCertificate.certificateMapId, projects/<project>/locations/global/certificateMaps/<name>");
  }

  if (!Array.isArray(props.services) || props.services.length === 0) fail("services", "is empty", "at least one service");
  const serviceIndex = new Map<string, number>();
  const services = props.services.map((service, index): ValidService => {
    const at = `services[${index}]`;
    if (typeof service.name !== "string" || !GCP_NAME.test(service.name)) {
      fail(`${at}.name`, `"${service.name}" is not a valid name`, 'lower-case letters, digits and "-", starting with a letter, not ending with "-"');
    }
    if (serviceIndex.has(service.name)) {
      fail(`${at}.name`, `"${service.name}" is already used by services[${serviceIndex.get(service.name)}]`, "unique service names");
    }
    serviceIndex.set(service.name, index);
    const backendName = `${props.name}-${service.name}`;
    if (backendName.length > GCP_NAME_MAX) {
      fail(`${at}.name`, `backend service name "${backendName}" is ${backendName.length} characters long`, `"<lb name>-<service name>" at most ${GCP_NAME_MAX}`);
    }
    if (!service.instanceGroup) fail(`${at}.instanceGroup`, "is empty", "the instance_group URL of the service's managed instance group");
    if (typeof service.portName !== "string" || (!Token.isUnresolved(service.portName) && !GCP_NAME.test(service.portName))) {
      fail(`${at}.portName`, `"${service.portName}" is not a valid port name`, "the group's named port, e.g. \"http\"");
    }
    if (!service.healthCheckId) fail(`${at}.healthCheckId`, "is empty", "the id of the backend's health check");
    // Host matching is case-insensitive and a trailing dot is the same name: compare normalized names.
    const hostnames = (service.hostnames ?? []).map((raw, hostIndex) => {
      const host = String(raw).trim().toLowerCase().replace(/\.$/, "");
      if (!GCP_HOSTNAME.test(host)) {
        fail(`${at}.hostnames[${hostIndex}]`, `"${raw}" is not a DNS name`, 'a fully qualified name such as api.example.com, or a wildcard such as "*.example.com"');
      }
      return host;
    });
    const paths = (service.paths ?? []).map((path, pathIndex) => {
      if (typeof path !== "string" || !GCP_ROUTED_PATH.test(path) || path.length > GCP_ROUTED_PATH_MAX) {
        fail(`${at}.paths[${pathIndex}]`, `"${path}" is not a routable path`, `"/" then URL characters, exact ("/health") or a prefix ending in "/*" ("/api/*"), at most ${GCP_ROUTED_PATH_MAX} characters`);
      }
      return path;
    });
    return { ...service, hostnames, paths, backendName };
  });
  if (props.defaultService !== undefined && !serviceIndex.has(props.defaultService)) {
    fail("defaultService", `"${props.defaultService}" is not one of the services`, [...serviceIndex.keys()].map((n) => `"${n}"`).join(", "));
  }

  const routing = buildRouting(services, props.defaultService, fail);
  if (routing.defaultService === undefined && routing.redirectHost === undefined) {
    fail("defaultService", "is required: no hostname routes every path to a service, so requests matching no rule have nowhere to go", "the name of the service that answers them");
  }
  const domains = [...new Set(services.flatMap((service) => service.hostnames))].sort();
  return { services, domains, routing };
}
