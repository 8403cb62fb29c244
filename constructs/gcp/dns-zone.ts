/**
 * The public Cloud DNS managed zone of the application's domain: either created here (DNSSEC-signed,
 * then delegated at the registrar with `nameServers`) or an existing managed zone adopted by name.
 */
import { DnsManagedZone } from "@cdktf/provider-google/lib/dns-managed-zone";
import { DnsRecordSet } from "@cdktf/provider-google/lib/dns-record-set";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { dnsNameProblem, nameServersWithoutTrailingDots, normalizeDnsName } from "../../lib/dns-name";
import { isIPv4 } from "net";
import { PropsError } from "../../lib/errors";
import { GCP_NAME, GCP_NAME_MAX } from "./limits";

export interface CloudDnsZoneProps {
  /**
   * Prefix of the managed zone's resource name (`<name>-zone`): lowercase letters, digits and hyphens, starting with
   * a letter, not ending with "-", at most 58 characters.
   */
  readonly name: string;
  /** The zone's domain, e.g. "example.com" (case and a trailing dot are normalized away). */
  readonly domainName: string;
  /**
   * Name of a managed zone (in the provider's project) that already serves domainName. When set, no zone is created
   * and `nameServers` is undefined: the delegation is already in place.
   * @default a new public managed zone is created
   */
  readonly existingZoneName?: string;
  /**
   * Sign the created zone with DNSSEC. Validation only starts once the zone's DS record is published at the
   * registrar; remove that DS record before turning DNSSEC off or deleting the zone, or resolvers reject the domain.
   * @default true
   */
  readonly dnssec?: boolean;
  /**
   * Let `terraform destroy` delete the created zone even when it still holds records that Terraform does not
   * manage. Off so that a destroy cannot silently take out hand-made records.
   * @default false
   */
  readonly forceDestroy?: boolean;
  /**
   * Refuse any plan that destroys or replaces the created zone (Terraform `prevent_destroy`).
   * A recreated zone gets new name servers, so every registrar delegation breaks until it is
   * updated by hand: production turns this on.
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * Labels on the created zone.
   * @default no labels
   */
  readonly labels?: Record<string, string>;
}

const MAX_ZONE_NAME_LENGTH = GCP_NAME_MAX;
const ZONE_NAME_SUFFIX = "-zone";
const RECORD_TTL_SECONDS = 300;

/** Public Cloud DNS zone (created or existing) and the A records that point hostnames of the domain at addresses. */
export class CloudDnsZone extends Construct {
  /** Managed zone name, for record sets (a reference to the created zone, or `existingZoneName`). */
  readonly zoneName: string;
  /** The normalized domain name (lower case, no trailing dot). */
  readonly domainName: string;
  /**
   * Name servers of the created zone without trailing dots, ready to paste at the registrar.
   * Undefined when an existing zone is used.
   */
  readonly nameServers?: string[];

  private readonly recordHostnames = new Set<string>();

  constructor(scope: Construct, id: string, props: CloudDnsZoneProps) {
    super(scope, id);
    const fail = (prop: string, problem: string, allowed: string): never => {
      throw new PropsError("CloudDnsZone", id, prop, problem, allowed);
    };

    const maxNameLength = MAX_ZONE_NAME_LENGTH - ZONE_NAME_SUFFIX.length;
    if (typeof props.name !== "string" || !GCP_NAME.test(props.name) || props.name.length > maxNameLength) {
      fail(
        "name",
        `"${props.name}" cannot prefix a managed zone name`,
        `lowercase letters, digits and hyphens, starting with a letter, not ending with "-", at most ${maxNameLength} characters`,
      );
    }

    this.domainName = normalizeDnsName(typeof props.domainName === "string" ? props.domainName : "");
    const nameProblem = dnsNameProblem(this.domainName);
    if (nameProblem) fail("domainName", nameProblem, 'a domain name such as "example.com"');

    if (props.existingZoneName !== undefined) {
      const existing = props.existingZoneName;
      if (!Token.isUnresolved(existing) && (!GCP_NAME.test(existing) || existing.length > MAX_ZONE_NAME_LENGTH)) {
        fail(
          "existingZoneName",
          `"${existing}" is not a managed zone name`,
          `the zone's resource name (lowercase letters, digits and hyphens, at most ${MAX_ZONE_NAME_LENGTH} characters), not its DNS name`,
        );
      }
      if (props.forceDestroy) {
        fail("forceDestroy", "only applies to a zone created here", "leave it unset or false with existingZoneName");
      }
      if (props.dnssec !== undefined) {
        fail("dnssec", "only applies to a zone created here", "leave it unset with existingZoneName; DNSSEC of an existing zone is managed where the zone is");
      }
      this.zoneName = existing;
      return;
    }

    const zone = new DnsManagedZone(this, "zone", {
      name: `${props.name}${ZONE_NAME_SUFFIX}`,
      dnsName: `${this.domainName}.`,
      description: `Public zone of ${this.domainName}, managed by Terraform`,
      visibility: "public",
      // Explicit "off" too: an omitted block would leave a zone that was signed before still signed.
      dnssecConfig: { state: (props.dnssec ?? true) ? "on" : "off" },
      forceDestroy: props.forceDestroy ?? false,
      labels: props.labels,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.zoneName = zone.name;
    // Cloud DNS returns fully qualified names ("ns-cloud-a1.googledomains.com."); registrars want them without the dot.
    this.nameServers = Token.asList(nameServersWithoutTrailingDots(zone.fqn));
  }

  /** Points `hostname` (the apex or any name inside the zone) at an IPv4 address, with a 300 s TTL. */
  addARecord(hostname: string, ipAddress: string): DnsRecordSet {
    const fail = (problem: string, allowed: string): never => {
      throw new PropsError("CloudDnsZone", this.node.id, "addARecord", problem, allowed);
    };
    const name = normalizeDnsName(typeof hostname === "string" ? hostname : "");
    if (name !== this.domainName && !name.endsWith(`.${this.domainName}`)) {
      fail(`"${hostname}" is not inside the zone`, `${this.domainName} or a name ending in .${this.domainName}`);
    }
    const nameProblem = dnsNameProblem(name, true);
    if (nameProblem) fail(`hostname ${nameProblem}`, "a hostname inside the zone");
    if (this.recordHostnames.has(name)) {
      fail(`"${name}" already has an A record in this zone`, "one A record per hostname");
    }
    if (typeof ipAddress !== "string" || (!Token.isUnresolved(ipAddress) && !isIPv4(ipAddress))) {
      fail(`"${ipAddress}" is not an IPv4 address`, 'a dotted quad such as "203.0.113.10", or a reference to one');
    }
    this.recordHostnames.add(name);

    return new DnsRecordSet(this, `a-${name.replace(/\*/g, "wildcard")}`, {
      managedZone: this.zoneName,
      name: `${name}.`,
      type: "A",
      ttl: RECORD_TTL_SECONDS,
      rrdatas: [ipAddress],
    });
  }
}
