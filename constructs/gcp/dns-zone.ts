/**
 * The public Cloud DNS managed zone of the application's domain: created here (DNSSEC-signed, then
 * delegated at the registrar with `nameServers`, or by an NS record set in a parent managed zone),
 * or an existing managed zone adopted by name.
 */
import { DnsManagedZone } from "@cdktf/provider-google/lib/dns-managed-zone";
import { DnsRecordSet } from "@cdktf/provider-google/lib/dns-record-set";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { dnsNameProblem, nameServersWithoutTrailingDots, normalizeDnsName } from "../../lib/dns-name";
import { isIPv4, isIPv6 } from "net";
import { PropsError } from "../../lib/errors";
import { GCP_NAME, GCP_NAME_MAX, GCP_PROJECT_ID } from "./limits";

/** A managed zone that serves a parent domain of the zone being created, and where to find it. */
export interface CloudDnsParentZone {
  /** Resource name of the parent managed zone (not its DNS name), e.g. "example-com". */
  readonly name: string;
  /**
   * Project that holds the parent zone; the deploying identity needs `dns.changes.create` there.
   * @default the provider's project
   */
  readonly project?: string;
}

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
   * A managed zone serving a parent domain of domainName (e.g. the zone of "example.com" for
   * "dev.example.com"), possibly in another project. The created zone is delegated by an NS record
   * set for domainName in that zone, holding the new zone's name servers, so nothing is to be done
   * at the registrar. With DNSSEC on, the parent also needs the zone's DS record, which is not
   * written here.
   * @default no delegation record (delegate at the registrar with `nameServers`)
   */
  readonly parentZone?: CloudDnsParentZone;
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

/** Record types `addRecord` writes; Cloud DNS knows more, none of which this project needs. */
export type CloudDnsRecordType = "A" | "AAAA" | "CNAME" | "TXT" | "MX" | "CAA" | "NS" | "SRV";
const RECORD_TYPES: readonly CloudDnsRecordType[] = ["A", "AAAA", "CNAME", "TXT", "MX", "CAA", "NS", "SRV"];

export interface CloudDnsRecordOptions {
  /**
   * Stable key for the record's construct id, and so its Terraform address, e.g. the domain a
   * Certificate Manager DNS authorization is for. Required when `name` is only known at apply time
   * (a token): the address must come out the same on every synthesis.
   * @default the record's name
   */
  readonly key?: string;
  /**
   * Time to live, in seconds.
   * @default 300
   */
  readonly ttl?: number;
}

const MAX_ZONE_NAME_LENGTH = GCP_NAME_MAX;
const ZONE_NAME_SUFFIX = "-zone";
const RECORD_TTL_SECONDS = 300;
// Short enough that a wrong delegation is corrected within the hour, long enough that resolvers
// do not ask the parent on every lookup.
const DELEGATION_TTL_SECONDS = 3600;
const RECORD_KEY = /^[A-Za-z0-9*._-]+$/;

/**
 * Why `name` cannot name a record, or undefined. Service labels such as "_acme-challenge" or
 * "_dmarc" start with an underscore, which a hostname may not; they are checked without it.
 */
function recordNameProblem(name: string): string | undefined {
  const hostname = name
    .split(".")
    .map((label) => (label.startsWith("_") && label.length > 1 ? label.slice(1) : label))
    .join(".");
  return dnsNameProblem(hostname, true) === undefined ? undefined : `"${name}" is not a valid record name`;
}

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
  /** The NS record set in the parent zone that delegates this zone; only with `parentZone`. */
  readonly delegationRecord?: DnsRecordSet;

  private readonly recordIds = new Set<string>();

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

    if (props.parentZone !== undefined) {
      if (props.existingZoneName !== undefined) {
        fail("parentZone", "only applies to a zone created here", "an existing zone is already delegated; leave one of parentZone and existingZoneName unset");
      }
      const parent = props.parentZone;
      if (typeof parent?.name !== "string" || (!Token.isUnresolved(parent.name) && (!GCP_NAME.test(parent.name) || parent.name.length > MAX_ZONE_NAME_LENGTH))) {
        fail(
          "parentZone.name",
          `"${parent?.name}" is not a managed zone name`,
          `the parent zone's resource name (lowercase letters, digits and hyphens, at most ${MAX_ZONE_NAME_LENGTH} characters), not its DNS name`,
        );
      }
      if (parent.project !== undefined && !Token.isUnresolved(parent.project) && !GCP_PROJECT_ID.test(parent.project)) {
        fail("parentZone.project", `"${parent.project}" is not a project id`, "6 to 30 lowercase letters, digits and hyphens, starting with a letter");
      }
      // Only the parent's resource name is known here, not its DNS name; a registrable domain such
      // as "example.com" has no parent zone a project could hold, so it cannot be meant.
      if (this.domainName.split(".").length < 3) {
        fail("domainName", `"${this.domainName}" is not a subdomain`, `delegation from parentZone needs a name below the parent's, e.g. "dev.${this.domainName}"`);
      }
    }

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

    if (props.parentZone !== undefined) {
      this.delegationRecord = new DnsRecordSet(this, "delegation", {
        managedZone: props.parentZone.name,
        project: props.parentZone.project,
        name: `${this.domainName}.`,
        type: "NS",
        ttl: DELEGATION_TTL_SECONDS,
        // Fully qualified, with the trailing dots Cloud DNS wants in NS data.
        rrdatas: zone.nameServers,
      });
    }
  }

  /**
   * Points `hostname` (the apex, any name inside the zone, or a wildcard such as "*.example.com")
   * at an IPv4 address, with a 300 s TTL.
   */
  addARecord(hostname: string, ipAddress: string): DnsRecordSet {
    const fail = (problem: string, allowed: string): never => {
      throw new PropsError("CloudDnsZone", this.node.id, "addARecord", problem, allowed);
    };
    const name = this.nameInZone(typeof hostname === "string" ? hostname : "", (problem) => fail(problem, `${this.domainName} or a name ending in .${this.domainName}`));
    const nameProblem = dnsNameProblem(name, true);
    if (nameProblem) fail(`hostname ${nameProblem}`, "a hostname inside the zone");
    if (this.recordIds.has(recordId("A", name))) {
      fail(`"${name}" already has an A record in this zone`, "one A record per hostname");
    }
    if (typeof ipAddress !== "string" || (!Token.isUnresolved(ipAddress) && !isIPv4(ipAddress))) {
      fail(`"${ipAddress}" is not an IPv4 address`, 'a dotted quad such as "203.0.113.10", or a reference to one');
    }
    return this.writeRecord(recordId("A", name), `${name}.`, "A", [ipAddress], RECORD_TTL_SECONDS);
  }

  /**
   * Writes a record set of any type `CloudDnsRecordType` lists, e.g. the CNAME of a Certificate
   * Manager DNS authorization. `name` is a name inside the zone (a leading "*" or "_service" label
   * is fine), or a token known only at apply time, which then needs `options.key`. Literal names
   * and A/AAAA/CNAME data are checked; data given as tokens is written as it comes (Cloud DNS wants
   * names in it fully qualified, with a trailing dot).
   */
  addRecord(name: string, type: CloudDnsRecordType, rrdatas: string[], options: CloudDnsRecordOptions = {}): DnsRecordSet {
    const fail = (problem: string, allowed?: string): never => {
      throw new PropsError("CloudDnsZone", this.node.id, "addRecord", problem, allowed);
    };
    if (!RECORD_TYPES.includes(type)) fail(`type "${type}" is not supported`, RECORD_TYPES.join(", "));
    const { key, ttl = RECORD_TTL_SECONDS } = options;
    if (key !== undefined && (typeof key !== "string" || Token.isUnresolved(key) || !RECORD_KEY.test(key))) {
      fail(`key "${key}" cannot name a record`, 'a literal of letters, digits, ".", "-", "_" and "*"');
    }
    if (!Number.isInteger(ttl) || ttl < 0) fail(`ttl ${ttl} is not a whole number of seconds`, "0 or more");

    let recordName: string;
    let shown: string;
    if (typeof name === "string" && Token.isUnresolved(name)) {
      if (key === undefined) {
        fail("name is only known at apply time, so the record needs options.key", "a stable key such as the domain the record is for");
      }
      // Whether or not the value ends in a dot, Cloud DNS gets it fully qualified.
      recordName = `${Fn.trimsuffix(name, ".")}.`;
      shown = `key "${key}"`;
    } else {
      const literal = this.nameInZone(typeof name === "string" ? name : "", (problem) => fail(problem, `${this.domainName} or a name ending in .${this.domainName}`));
      const nameProblem = recordNameProblem(literal);
      if (nameProblem) fail(nameProblem, 'labels of a-z, 0-9 and "-", a leading "*" or "_service" label');
      if (type === "CNAME" && literal === this.domainName) {
        fail(`a CNAME cannot be at the zone apex (${literal})`, "an A/AAAA record there, or a name below the apex");
      }
      recordName = `${literal}.`;
      shown = `"${literal}"`;
    }

    const id = recordId(type, key ?? recordName.slice(0, -1));
    if (this.recordIds.has(id)) fail(`${shown} already has a record of type ${type} in this zone`, "one record set per name and type");

    const data = Token.isUnresolved(rrdatas) ? rrdatas : this.checkedData(type, rrdatas, fail);
    return this.writeRecord(id, recordName, type, data, ttl);
  }

  /** `hostname` normalized, or a failure when it lies outside the zone. */
  private nameInZone(hostname: string, fail: (problem: string) => never): string {
    const name = normalizeDnsName(hostname);
    if (name !== this.domainName && !name.endsWith(`.${this.domainName}`)) fail(`"${hostname}" is not inside the zone`);
    return name;
  }

  private checkedData(type: CloudDnsRecordType, rrdatas: string[], fail: (problem: string, allowed?: string) => never): string[] {
    if (!Array.isArray(rrdatas) || rrdatas.length === 0) fail("rrdatas is empty", "at least one value");
    if (type === "CNAME" && rrdatas.length !== 1) fail(`a CNAME has exactly one value, not ${rrdatas.length}`);
    return rrdatas.map((value) => {
      if (typeof value !== "string") return fail(`${type} value ${JSON.stringify(value)} is not a string`);
      if (Token.isUnresolved(value)) return value;
      if (type === "A" && !isIPv4(value)) fail(`"${value}" is not an IPv4 address`, 'a dotted quad such as "203.0.113.10", or a reference to one');
      if (type === "AAAA" && !isIPv6(value)) fail(`"${value}" is not an IPv6 address`, 'such as "2001:db8::1", or a reference to one');
      if (type === "CNAME") {
        const target = normalizeDnsName(value);
        if (recordNameProblem(target)) fail(`"${value}" is not a DNS name`, 'the canonical name, e.g. "lb.example.net"');
        // Cloud DNS stores the target fully qualified; without the dot every plan would show a change.
        return `${target}.`;
      }
      return value;
    });
  }

  private writeRecord(id: string, name: string, type: CloudDnsRecordType, rrdatas: string[], ttl: number): DnsRecordSet {
    this.recordIds.add(id);
    return new DnsRecordSet(this, id, { managedZone: this.zoneName, name, type, ttl, rrdatas });
  }
}

/** Construct id of a record: `a-www.example.com`, `cname-_acme-challenge.example.com`; "*" reads "wildcard". */
function recordId(type: CloudDnsRecordType, nameOrKey: string): string {
  return `${type.toLowerCase()}-${nameOrKey.replace(/\*/g, "wildcard")}`;
}
