/**
 * Global external Application Load Balancer (EXTERNAL_MANAGED, Envoy-based) in front of the
 * services: one static IPv4 address, HTTPS on 443 with a Google-managed certificate routing by
 * Host header to one backend service per service, and HTTP on 80 redirecting to HTTPS.
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
import { ComputeManagedSslCertificate } from "@cdktf/provider-google/lib/compute-managed-ssl-certificate";
import { ComputeSslPolicy } from "@cdktf/provider-google/lib/compute-ssl-policy";
import { ComputeTargetHttpProxy } from "@cdktf/provider-google/lib/compute-target-http-proxy";
import { ComputeTargetHttpsProxy } from "@cdktf/provider-google/lib/compute-target-https-proxy";
import { ComputeUrlMap } from "@cdktf/provider-google/lib/compute-url-map";
import { PropsError } from "../../lib/errors";
import { BACKEND_SERVICE_TIMEOUT_SECONDS, GCP_NAME, GCP_NAME_MAX } from "./limits";
import { describeRange } from "../../lib/range";

/** How a backend service spreads requests over the instances of its group. */
export type LocalityPolicy = "ROUND_ROBIN" | "LEAST_REQUEST";

/** One service reached through the load balancer by Host header. */
export interface GcpLoadBalancedService {
  /**
   * Short service name (lower-case letters, digits, "-", starting with a letter); the backend service is
   * named "<lb name>-<service name>" (at most 63 characters) and `backendServiceIds` is keyed by it.
   */
  readonly name: string;
  /**
   * Host names routed to this service and listed on the managed certificate, e.g. ["api.example.com"].
   * Exact DNS names only (Google-managed certificates take no wildcards); unique across services.
   */
  readonly hostnames: string[];
  /** The managed instance group's instance_group URL (`GcpInstanceGroup.instanceGroup`). */
  readonly instanceGroup: string;
  /** Named port of the group the backend service sends traffic to (`GcpInstanceGroup.portName`). */
  readonly portName: string;
  /** Health check (id or self link) of the backend service. */
  readonly healthCheckId: string;
}

export interface GcpLoadBalancerProps {
  /**
   * Base name of every resource (address, certificate, backend services, URL maps, proxies, rules).
   * Lower-case letters, digits and "-", starting with a letter, not ending with "-", at most 49 characters
   * (room for the "-cert-<hash>" suffix within GCP's 63).
   */
  readonly name: string;
  /** The services routed by Host header; the first one's first hostname is where unknown hosts are redirected. */
  readonly services: GcpLoadBalancedService[];
  /**
   * Backend service timeout in seconds (1-86400). For websockets (STOMP) it is the maximum lifetime of a
   * connection, not an idle timeout: raise it for long-lived connections.
   * @default 30
   */
  readonly timeoutSeconds?: number;
  /**
   * Request distribution among the instances of each backend.
   * @default "ROUND_ROBIN"
   */
  readonly localityPolicy?: LocalityPolicy;
  /**
   * Lowest TLS version clients may negotiate: "TLS_1_2" uses the MODERN profile (forward-secret AEAD
   * ciphers), "TLS_1_3" the RESTRICTED one.
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

/** The longest suffixes appended to `name`: "-cert-<8 hex>" and "-http-redirect" (14 characters). */
const MAX_NAME = GCP_NAME_MAX - "-http-redirect".length;
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Domains one Google-managed certificate may list. */
const MAX_CERTIFICATE_DOMAINS = 100;
const LOCALITY_POLICIES: LocalityPolicy[] = ["ROUND_ROBIN", "LEAST_REQUEST"];
const SSL_PROFILES: Record<string, string> = { TLS_1_2: "MODERN", TLS_1_3: "RESTRICTED" };

/**
 * Name of the managed certificate for these domains: "<name>-cert-<8 hex of SHA-256 of the sorted
 * domains>". A domain change yields a new name, so create_before_destroy can bring up the new
 * certificate next to the live one; a mere reordering yields the same name (and no replacement).
 */
export function certificateName(name: string, domains: string[]): string {
  const hash = createHash("sha256").update([...domains].sort().join("\n")).digest("hex").slice(0, 8);
  return `${name}-cert-${hash}`;
}

export class GcpLoadBalancer extends Construct {
  /** The load balancer's static IPv4 address: the target of the services' A records. */
  readonly ipAddress: string;
  /** Id of each service's backend service, keyed by service name. */
  readonly backendServiceIds: Record<string, string>;
  /** Id of the HTTPS URL map (host routing). */
  readonly urlMapId: string;
  /** Name of the current managed certificate (changes with the domain list). */
  readonly certificateName: string;
  /** Domains on the certificate, sorted: every hostname of every service. */
  readonly domains: string[];

  constructor(scope: Construct, id: string, props: GcpLoadBalancerProps) {
    super(scope, id);
    const { services, domains } = validate(id, props);
    const name = props.name;
    const timeoutSeconds = props.timeoutSeconds ?? 30;
    const localityPolicy = props.localityPolicy ?? "ROUND_ROBIN";
    const minTlsVersion = props.minTlsVersion ?? "TLS_1_2";

    const address = new ComputeGlobalAddress(this, "address", {
      name,
      description: `Public address of the ${name} load balancer`,
      addressType: "EXTERNAL",
      ipVersion: "IPV4",
    });

    this.certificateName = certificateName(name, domains);
    const certificate = new ComputeManagedSslCertificate(this, "certificate", {
      name: this.certificateName,
      description: `Google-managed certificate of the ${name} load balancer`,
      type: "MANAGED",
      // Sorted: the provider replaces the certificate when the list order changes.
      managed: { domains },
      // The name carries a hash of the domains, so the replacement can exist next to the live one
      // and the proxy switches over before the old certificate is deleted.
      lifecycle: { createBeforeDestroy: true },
    });

    this.backendServiceIds = {};
    const backends = services.map((service) => {
      const backend = new ComputeBackendService(this, `backend-${service.name}`, {
        name: service.backendName,
        description: `${service.name} behind the ${name} load balancer`,
        loadBalancingScheme: "EXTERNAL_MANAGED",
        protocol: "HTTP",
        portName: service.portName,
        timeoutSec: timeoutSeconds,
        connectionDrainingTimeoutSec: props.connectionDrainingTimeoutSeconds ?? 30,
        healthChecks: [service.healthCheckId],
        backend: [{ group: service.instanceGroup, balancingMode: "UTILIZATION", capacityScaler: 1 }],
        localityLbPolicy: localityPolicy,
        logConfig: { enable: true, sampleRate: 1 },
      });
      this.backendServiceIds[service.name] = backend.id;
      return { ...service, backend };
    });

    // Requests for a host no service declares (scanners probing the bare IP, stale DNS) are not handed
    // to an arbitrary backend: they are redirected (302, not cached) to the first service's first host.
    const urlMap = new ComputeUrlMap(this, "https-url-map", {
      name: `${name}-https`,
      description: `Host routing of the ${name} load balancer`,
      defaultUrlRedirect: {
        hostRedirect: services[0].hostnames[0],
        httpsRedirect: true,
        redirectResponseCode: "FOUND",
        stripQuery: false,
      },
      hostRule: backends.map((service) => ({ hosts: service.hostnames, pathMatcher: service.name })),
      pathMatcher: backends.map((service) => ({ name: service.name, defaultService: service.backend.id })),
    });

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
      sslCertificates: [certificate.id],
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

    const redirectMap = new ComputeUrlMap(this, "http-url-map", {
      name: `${name}-http-redirect`,
      description: `Redirects HTTP to HTTPS on the ${name} load balancer`,
      defaultUrlRedirect: {
        httpsRedirect: true,
        redirectResponseCode: "MOVED_PERMANENTLY_DEFAULT",
        stripQuery: false,
      },
    });

    const httpProxy = new ComputeTargetHttpProxy(this, "http-proxy", {
      name: `${name}-http`,
      description: `HTTP front end (redirect only) of the ${name} load balancer`,
      urlMap: redirectMap.id,
    });

    new ComputeGlobalForwardingRule(this, "http-forwarding-rule", {
      name: `${name}-http`,
      description: `HTTP (80) of the ${name} load balancer, redirecting to HTTPS`,
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
}

function validate(id: string, props: GcpLoadBalancerProps): { services: ValidService[]; domains: string[] } {
  const fail = (prop: string, problem: string, allowed: string): never => {
    throw new PropsError("GcpLoadBalancer", id, prop, problem, allowed);
  };
  const isIntegerIn = (value: unknown, min: number, max: number): boolean =>
    typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;

  if (typeof props.name !== "string" || !GCP_NAME.test(props.name) || props.name.length > MAX_NAME) {
    fail(
      "name",
      `"${props.name}" is not a valid name`,
      `lower-case letters, digits and "-", starting with a letter, not ending with "-", at most ${MAX_NAME} characters`,
    );
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

  if (!Array.isArray(props.services) || props.services.length === 0) fail("services", "is empty", "at least one service");
  const serviceIndex = new Map<string, number>();
  const hostOwner = new Map<string, string>();
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
    if (!Array.isArray(service.hostnames) || service.hostnames.length === 0) {
      fail(`${at}.hostnames`, "is empty", "at least one host name");
    }
    // Host matching is case-insensitive and a trailing dot is the same name: compare normalized names.
    const hostnames = service.hostnames.map((raw, hostIndex) => {
      const host = String(raw).trim().toLowerCase().replace(/\.$/, "");
      if (host.includes("*")) {
        fail(`${at}.hostnames[${hostIndex}]`, `"${raw}" is a wildcard`, "exact DNS names only: Google-managed certificates do not cover wildcards");
      }
      if (!DNS_NAME.test(host)) {
        fail(`${at}.hostnames[${hostIndex}]`, `"${raw}" is not a DNS name`, "a fully qualified name such as api.example.com");
      }
      const owner = hostOwner.get(host);
      if (owner !== undefined) {
        fail(`${at}.hostnames[${hostIndex}]`, `"${host}" is already routed to service "${owner}"`, "unique host names across services");
      }
      hostOwner.set(host, service.name);
      return host;
    });
    return { ...service, hostnames, backendName };
  });
  const domains = [...hostOwner.keys()].sort();
  if (domains.length > MAX_CERTIFICATE_DOMAINS) {
    fail("services", `${domains.length} host names in total`, `at most ${MAX_CERTIFICATE_DOMAINS}, the limit of one Google-managed certificate`);
  }
  return { services, domains };
}
