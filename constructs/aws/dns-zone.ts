/**
 * The public Route 53 hosted zone of the application's domain: created here (and then delegated at
 * the registrar with `nameServers`, or by an NS record in a parent zone of the same account), or an
 * existing zone adopted by id.
 */
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { dnsNameProblem, nameServersWithoutTrailingDots, normalizeDnsName } from "../../lib/dns-name";
import { PropsError } from "../../lib/errors";

export interface DnsZoneProps {
  /**
   * The zone's domain, e.g. "example.com" (case and a trailing dot are normalized away).
   */
  readonly domainName: string;

  /**
   * Id of a hosted zone that already serves domainName (e.g. "Z0123456789ABCDEFGHIJ"). When set,
   * no zone is created and `nameServers` is undefined: the delegation is already in place.
   * @default a new public hosted zone is created
   */
  readonly existingZoneId?: string;

  /**
   * Id of a hosted zone in the same AWS account that serves a parent domain of domainName (e.g. the
   * zone of "example.com" for "dev.example.com"). The created zone is delegated by an NS record set
   * for domainName in that zone, holding the new zone's name servers, so nothing is to be done at
   * the registrar. A parent in another account cannot be written from this stack: delegate by hand
   * with `nameServers` instead.
   * @default no delegation record (delegate at the registrar with `nameServers`)
   */
  readonly parentZoneId?: string;

  /**
   * Let `terraform destroy` delete the created zone even when it still holds records that
   * Terraform does not manage. Off so that a destroy cannot silently take out hand-made records.
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
}

/** Target of an alias record: any AWS resource that publishes a DNS name and a hosted zone id (ALB, CloudFront...). */
export interface AliasTarget {
  readonly dnsName: string;
  readonly zoneId: string;
}


// Route 53 ids are upper-case alphanumerics starting with "Z"; "/hostedzone/Z…" is a common paste mistake.
const ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
// Short enough that a wrong delegation is corrected within the hour, long enough that resolvers
// do not ask the parent on every lookup.
const DELEGATION_TTL_SECONDS = 3600;

const zoneIdProblem = (value: string): string | undefined =>
  Token.isUnresolved(value) || ZONE_ID.test(value)
    ? undefined
    : `"${value}" is not a hosted zone id (e.g. "Z0123456789ABCDEFGHIJ", without "/hostedzone/")`;

export class DnsZone extends Construct {
  /** Hosted zone id, for records and certificate validation. */
  readonly zoneId: string;
  /** The normalized domain name (lower case, no trailing dot). */
  readonly domainName: string;
  /**
   * Name servers of the created zone, without trailing dots, ready to paste at the registrar
   * (with `parentZoneId` the parent zone already holds them). Undefined when an existing zone is used.
   */
  readonly nameServers?: string[];
  /** The NS record set in the parent zone that delegates this zone; only with `parentZoneId`. */
  readonly delegationRecord?: Route53Record;

  private readonly aliasHostnames = new Set<string>();

  constructor(scope: Construct, id: string, props: DnsZoneProps) {
    super(scope, id);
    const problem = (prop: string, what: string): Error => new PropsError("DnsZone", id, prop, what);

    this.domainName = normalizeDnsName(props.domainName);
    const nameProblem = dnsNameProblem(this.domainName);
    if (nameProblem) throw problem("domainName", nameProblem);

    if (props.existingZoneId !== undefined) {
      const idProblem = zoneIdProblem(props.existingZoneId);
      if (idProblem) throw problem("existingZoneId", idProblem);
      if (props.parentZoneId !== undefined) {
        throw problem("parentZoneId", "only applies to a zone created here (an existing zone is already delegated; leave one of parentZoneId and existingZoneId unset)");
      }
      if (props.forceDestroy) {
        throw problem("forceDestroy", "only applies to a zone created here (leave it unset or false with existingZoneId)");
      }
      this.zoneId = props.existingZoneId;
      return;
    }

    if (props.parentZoneId !== undefined) {
      const parentProblem = zoneIdProblem(props.parentZoneId);
      if (parentProblem) throw problem("parentZoneId", parentProblem);
      // Only the parent's id is known here, not its name; a registrable domain such as
      // "example.com" has no parent zone an account could hold, so it cannot be meant.
      if (this.domainName.split(".").length < 3) {
        throw problem(
          "domainName",
          `"${this.domainName}" is not a subdomain (delegation from parentZoneId needs a name below the parent's, e.g. "dev.${this.domainName}")`,
        );
      }
    }

    const zone = new Route53Zone(this, "zone", {
      name: this.domainName,
      comment: `Public zone of ${this.domainName}, managed by Terraform`,
      forceDestroy: props.forceDestroy ?? false,
      tags: { Name: this.domainName },
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.zoneId = zone.zoneId;
    // Route 53 answers without the trailing dot today; trimming anyway keeps the output
    // registrar-ready if the source ever changes (imported zones, other tooling).
    this.nameServers = Token.asList(nameServersWithoutTrailingDots(zone.fqn));

    if (props.parentZoneId !== undefined) {
      this.delegationRecord = new Route53Record(this, "delegation", {
        zoneId: props.parentZoneId,
        name: this.domainName,
        type: "NS",
        ttl: DELEGATION_TTL_SECONDS,
        // Route 53 returns the names as the parent record wants them; the registrar-ready list
        // above is for humans.
        records: zone.nameServers,
      });
    }
  }

  /**
   * Points `hostname` (the apex or any name inside the zone) at an AWS endpoint with an A alias
   * record that follows the target's health.
   */
  addAliasRecord(hostname: string, target: AliasTarget): Route53Record {
    const name = normalizeDnsName(hostname);
    const problem = (what: string): Error => new PropsError("DnsZone", this.node.id, "addAliasRecord", what);
    if (name !== this.domainName && !name.endsWith(`.${this.domainName}`)) {
      throw problem(`"${hostname}" is not inside the zone (${this.domainName} or a name ending in .${this.domainName})`);
    }
    const nameProblem = dnsNameProblem(name, true);
    if (nameProblem) throw problem(nameProblem);
    if (this.aliasHostnames.has(name)) {
      throw problem(`"${name}" already has an alias record in this zone (one record per hostname)`);
    }
    this.aliasHostnames.add(name);

    return new Route53Record(this, `alias-${name.replace(/\*/g, "wildcard")}`, {
      zoneId: this.zoneId,
      name,
      type: "A",
      alias: { name: target.dnsName, zoneId: target.zoneId, evaluateTargetHealth: true },
    });
  }
}
