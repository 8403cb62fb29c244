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
 *
 * A service with a canary gets a second backend service (`canaryBackendServiceIds`, for the canary's
 * own instance group), and every route to the service splits its requests between the two by weight.
 */
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
import { describeRange, IntegerRange } from "../../lib/range";
import { buildRouting, defaultRoute, pathRuleRoute, ServiceBackends } from "./url-map-routing";

/** How a backend service spreads requests over the instances of its group. */
export type LocalityPolicy = "ROUND_ROBIN" | "LEAST_REQUEST";

/** Share of a service's requests a canary may take: at most half, so the stable version always serves most. */
export const CANARY_WEIGHT_PERCENT: IntegerRange = { min: 1, max: 50 };

/** A new version of a service, in its own managed instance group, taking a share of the service's requests. */
export interface GcpCanaryRelease {
  /** Percent of the service's requests (each request on its own) sent to the canary, 1..50; the stable backend gets the rest. */
  readonly weight: number;
  /** The canary's managed instance group's instance_group URL (`GcpInstanceGroup.instanceGroup`), not the service's. */
  readonly instanceGroup: string;
  /** Named port of the canary's group (`GcpInstanceGroup.portName`). */
  readonly portName: string;
  /** Health check (id or self link) of the canary's backend service. */
  readonly healthCheckId: string;
}

/** The instance group a backend service sends requests to, and how. */
type BackendTarget = Pick<GcpLoadBalancedService, "instanceGroup" | "portName" | "healthCheckId">;

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
  /**
   * Sends `weight` percent of the service's requests to a second backend service named
   * "<lb name>-<service name>-canary" (at most 63 characters; `canaryBackendServiceIds`), with the same
   * settings, for the canary's own instance group. Promote or drop the canary by removing this: the URL
   * map goes back to the stable backend alone and the canary backend service is destroyed.
   * @default none: every request goes to the service's backend service
   */
  readonly canary?: GcpCanaryRelease;
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
  /** Id of the canary backend service of each service with a `canary`, keyed by service name. */
  readonly canaryBackendServiceIds: Record<string, string>;
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

    const backendService = (id: string, backendName: string, description: string, target: BackendTarget) =>
      new ComputeBackendService(this, id, {
        name: backendName,
        description,
        loadBalancingScheme: "EXTERNAL_MANAGED",
        protocol: "HTTP",
        portName: target.portName,
        timeoutSec: props.timeoutSeconds ?? 30,
        connectionDrainingTimeoutSec: props.connectionDrainingTimeoutSeconds ?? 30,
        healthChecks: [target.healthCheckId],
        backend: [{ group: target.instanceGroup, balancingMode: "UTILIZATION", capacityScaler: 1 }],
        localityLbPolicy: props.localityPolicy ?? "ROUND_ROBIN",
        logConfig: { enable: true, sampleRate: 1 },
      }).id;
    this.backendServiceIds = {};
    this.canaryBackendServiceIds = {};
    const backends: Record<string, ServiceBackends> = {};
    for (const service of services) {
      const stable = backendService(`backend-${service.name}`, service.backendName, `${service.name} behind the ${name} load balancer`, service);
      this.backendServiceIds[service.name] = stable;
      backends[service.name] = { stable };
      if (service.canary) {
        // "canary-backend-" cannot collide with "backend-<service>" of a service named "<service>-canary".
        const canary = backendService(`canary-backend-${service.name}`, service.canaryName!, `${service.name} canary behind the ${name} load balancer`, service.canary);
        this.canaryBackendServiceIds[service.name] = canary;
        backends[service.name] = { stable, canary: { id: canary, weight: service.canary.weight } };
      }
    }

    // Requests no rule matches (scanners probing the bare IP, stale DNS) are not handed to an
    // arbitrary backend: they go to the defaultService, or are redirected (302, not cached) to a
    // hostname that routes every path, so the redirect cannot loop.
    const fallback: ReturnType<typeof defaultRoute> | { defaultUrlRedirect: ComputeUrlMapDefaultUrlRedirect } = routing.defaultService
      ? defaultRoute(backends[routing.defaultService])
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
        ...(matcher.defaultService ? defaultRoute(backends[matcher.defaultService]) : fallback),
        pathRule: matcher.pathRules.length
          ? matcher.pathRules.map((rule) => ({ paths: rule.paths, ...pathRuleRoute(backends[rule.service]) }))
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
  /** The canary's backend service name, with a canary. */
  readonly canaryName?: string;
  readonly hostnames: string[];
  readonly paths: string[];
}

function validate(id: string, props: GcpLoadBalancerProps) {
  const fail = (prop: string, problem: string, allowed: string): never => propsFailure("GcpLoadBalancer", id)(prop, problem, allowed);
  const isIntegerIn = (value: unknown, min: number, max: number): boolean =>
    typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
  const checkTarget = (at: string, target: BackendTarget, group: string, backend: string) => {
    if (!target.instanceGroup) fail(`${at}.instanceGroup`, "is empty", `the instance_group URL of the ${group} managed instance group`);
    if (typeof target.portName !== "string" || (!Token.isUnresolved(target.portName) && !GCP_NAME.test(target.portName))) {
      fail(`${at}.portName`, `"${target.portName}" is not a valid port name`, "the group's named port, e.g. \"http\"");
    }
    if (!target.healthCheckId) fail(`${at}.healthCheckId`, "is empty", `the id of the ${backend} health check`);
  };

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
    checkTarget(at, service, "service's", "backend's");
    const canary = service.canary;
    const canaryName = canary && `${backendName}-canary`;
    if (canary) {
      if (!isIntegerIn(canary.weight, CANARY_WEIGHT_PERCENT.min, CANARY_WEIGHT_PERCENT.max)) {
        fail(`${at}.canary.weight`, `${canary.weight} is out of range`, `${describeRange(CANARY_WEIGHT_PERCENT)}: percent of the service's requests`);
      }
      if (canaryName!.length > GCP_NAME_MAX) {
        fail(`${at}.canary`, `canary backend service name "${canaryName}" is ${canaryName!.length} characters long`, `"<lb name>-<service name>-canary" at most ${GCP_NAME_MAX}: shorten the service name`);
      }
      checkTarget(`${at}.canary`, canary, "canary's", "canary backend's");
      // Sending the canary's share to the stable group would report a canary that never ran.
      if (canary.instanceGroup === service.instanceGroup) {
        fail(`${at}.canary.instanceGroup`, "is the service's own instance group", "the canary's own managed instance group");
      }
    }
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
    return { ...service, hostnames, paths, backendName, canaryName };
  });
  services.forEach((service, index) => {
    const taken = services.findIndex((other) => other.backendName === service.canaryName);
    if (taken >= 0) {
      fail(`services[${index}].canary`, `canary backend service name "${service.canaryName}" is the backend service of services[${taken}]`, `no service named "${service.name}-canary" next to a canary of "${service.name}"`);
    }
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
