/**
 * Certificate Manager certificates for the global external Application Load Balancer, authorized
 * by DNS: one DNS authorization per authorized domain, one Google-managed certificate and one
 * certificate map entry per hostname, in one certificate map the HTTPS proxy serves
 * (`GcpLoadBalancer.certificateMapId`).
 *
 * Unlike `google_compute_managed_ssl_certificate`, these provision before any traffic reaches the
 * load balancer (the proof is a CNAME under `_acme-challenge`, not an HTTP answer at the load
 * balancer's address) and cover wildcards.
 *
 * What a deploy waits for: Terraform waits for each create operation only. The provider's create
 * polls the long-running operation and then reads the resource once; it never waits for
 * `managed.state` to become ACTIVE (terraform-provider-google 6.50,
 * services/certificatemanager/resource_certificate_manager_certificate.go). A first deploy
 * therefore finishes while the certificates are PROVISIONING: HTTPS answers with a handshake
 * failure until the `dnsAuthorizationRecords` are resolvable and Google has issued the
 * certificates (usually minutes once the records exist; the records are created in the same
 * apply when the zone is ours, by hand for external DNS). `gcloud certificate-manager
 * certificates describe <name>` shows the state and `managed.authorizationAttemptInfo` says why.
 *
 * Hostname changes (day 2): every hostname has its own certificate and map entry, named from a
 * hash of that hostname, and a certificate's domains never change. Adding a hostname creates its
 * authorization (when its domain has none yet), certificate and entry next to the live ones;
 * removing one deletes only its own. No serving hostname ever switches to a certificate that is
 * still PROVISIONING, which a single certificate for all hostnames would force on every change
 * (its domain list is ForceNew). A new hostname serves HTTPS once its own certificate is ACTIVE.
 */
import { createHash } from "crypto";
import { Construct } from "constructs";
import { CertificateManagerCertificate } from "@cdktf/provider-google/lib/certificate-manager-certificate";
import { CertificateManagerCertificateMap } from "@cdktf/provider-google/lib/certificate-manager-certificate-map";
import { CertificateManagerCertificateMapEntry } from "@cdktf/provider-google/lib/certificate-manager-certificate-map-entry";
import { CertificateManagerDnsAuthorization } from "@cdktf/provider-google/lib/certificate-manager-dns-authorization";
import { validatedDomain } from "../../lib/dns-name";
import { propsFailure } from "../../lib/errors";
import { CERTIFICATE_MANAGER_HOSTNAMES_MAX, GCP_HOSTNAME, GCP_NAME } from "./limits";

export interface GcpCertificateProps {
  /**
   * Base name of every resource: the map is "<name>", each certificate and map entry
   * "<name>-<8 hex>", each DNS authorization "<name>-auth-<8 hex>". Lower-case letters, digits and
   * "-", starting with a letter, not ending with "-", at most 49 characters.
   */
  readonly name: string;
  /**
   * Hostnames served over HTTPS, exact ("api.example.com") or one leading wildcard label
   * ("*.example.com", which covers one label: a.example.com, not a.b.example.com). Compared in
   * lower case without a trailing dot; order does not matter. The first one is also the
   * certificate served to clients that send no SNI (the PRIMARY entry).
   */
  readonly hostnames: string[];
}

/** One DNS record that proves control of a domain to Certificate Manager. */
export interface DnsAuthorizationRecord {
  /** The authorized domain, e.g. "example.com" (which also covers "*.example.com"). */
  readonly domain: string;
  /** Record name (a token until apply), "_acme-challenge.<domain>." */
  readonly name: string;
  /** Record type (a token until apply), "CNAME". */
  readonly type: string;
  /** Record data (a token until apply), "<id>.<n>.authorize.certificatemanager.goog." */
  readonly data: string;
}

/** Longest suffix appended to `name`: "-auth-<8 hex>". */
const MAX_NAME = 63 - "-auth-12345678".length;

/** "<name>-<first 8 hex of SHA-256 of value>": stable while the value is. */
function hashedName(name: string, value: string): string {
  return `${name}-${createHash("sha256").update(value).digest("hex").slice(0, 8)}`;
}

export class GcpCertificate extends Construct {
  /** "projects/<project>/locations/global/certificateMaps/<name>", for `GcpLoadBalancer.certificateMapId`. */
  readonly certificateMapId: string;
  /**
   * The CNAME records to publish, one per authorized domain (sorted): the stack puts them into the
   * DNS zone, or prints them when DNS is hosted elsewhere. Certificates stay PROVISIONING until
   * they resolve.
   */
  readonly dnsAuthorizationRecords: DnsAuthorizationRecord[];
  /** The hostnames, normalized, in the order given. */
  readonly hostnames: string[];

  constructor(scope: Construct, id: string, props: GcpCertificateProps) {
    super(scope, id);
    const hostnames = validate(id, props);
    const name = props.name;

    const map = new CertificateManagerCertificateMap(this, "map", {
      name,
      description: `Certificates of the ${name} load balancer`,
    });

    const domains = [...new Set(hostnames.map(validatedDomain))].sort();
    const authorizations = new Map(
      domains.map((domain) => [
        domain,
        // Keyed and named by domain: an authorization (and the record published for it) lives as
        // long as any hostname under it does, whatever else changes.
        new CertificateManagerDnsAuthorization(this, `authorization-${domain}`, {
          name: hashedName(`${name}-auth`, domain),
          description: `Proves control of ${domain} for the ${name} certificates`,
          domain,
          type: "FIXED_RECORD",
        }),
      ]),
    );

    const certificates = hostnames.map((hostname) => {
      const resourceName = hashedName(name, hostname);
      const certificate = new CertificateManagerCertificate(this, `certificate-${hostname}`, {
        name: resourceName,
        description: `${hostname} on the ${name} load balancer`,
        managed: { domains: [hostname], dnsAuthorizations: [authorizations.get(validatedDomain(hostname))!.id] },
        // Everything that forces a replacement (domains, authorization) is fixed by the hostname and
        // the base name, which are in the certificate's name: a replacement always has a new name,
        // so it can come up before the entry leaves the old one.
        lifecycle: { createBeforeDestroy: true },
      });
      new CertificateManagerCertificateMapEntry(this, `entry-${hostname}`, {
        name: resourceName,
        description: `Serves the ${hostname} certificate`,
        map: map.name,
        hostname,
        certificates: [certificate.id],
      });
      return certificate;
    });

    // Clients without SNI (probes by IP address) get the first hostname's certificate rather than a
    // handshake failure. Updating this entry in place never affects SNI clients.
    new CertificateManagerCertificateMapEntry(this, "primary-entry", {
      name: `${name}-primary`,
      description: `Serves ${hostnames[0]} to clients that send no SNI`,
      map: map.name,
      matcher: "PRIMARY",
      certificates: [certificates[0].id],
    });

    this.certificateMapId = map.id;
    this.hostnames = hostnames;
    this.dnsAuthorizationRecords = domains.map((domain) => {
      const record = authorizations.get(domain)!.dnsResourceRecord.get(0);
      return { domain, name: record.name, type: record.type, data: record.data };
    });
  }
}

function validate(id: string, props: GcpCertificateProps): string[] {
  const fail = propsFailure("GcpCertificate", id);
  if (typeof props.name !== "string" || !GCP_NAME.test(props.name) || props.name.length > MAX_NAME) {
    fail(
      "name",
      `"${props.name}" is not a valid name`,
      `lower-case letters, digits and "-", starting with a letter, not ending with "-", at most ${MAX_NAME} characters`,
    );
  }
  if (!Array.isArray(props.hostnames) || props.hostnames.length === 0) fail("hostnames", "is empty", "at least one hostname");
  if (props.hostnames.length > CERTIFICATE_MANAGER_HOSTNAMES_MAX) {
    fail("hostnames", `${props.hostnames.length} hostnames`, `at most ${CERTIFICATE_MANAGER_HOSTNAMES_MAX}`);
  }
  const seen = new Set<string>();
  return props.hostnames.map((raw, index) => {
    const hostname = String(raw).trim().toLowerCase().replace(/\.$/, "");
    if (!GCP_HOSTNAME.test(hostname)) {
      fail(`hostnames[${index}]`, `"${raw}" is not a hostname`, 'a DNS name such as api.example.com, or one leading wildcard label such as "*.example.com"');
    }
    if (seen.has(hostname)) fail(`hostnames[${index}]`, `"${hostname}" is listed twice`, "each hostname once");
    seen.add(hostname);
    return hostname;
  });
}
