/**
 * The public Route 53 hosted zone of the application's domain: either created here (and then
 * delegated at the registrar with `nameServers`) or an existing zone adopted by id.
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

export class DnsZone extends Construct {
  /** Hosted zone id, for records and certificate validation. */
  readonly zoneId: string;
  /** The normalized domain name (lower case, no trailing dot). */
  readonly domainName: string;
  /**
   * Name servers of the created zone, without trailing dots, ready to paste at the registrar.
   * Undefined when an existing zone is used.
   */
  readonly nameServers?: string[];

  private readonly aliasHostnames = new Set<string>();

  constructor(scope: Construct, id: string, props: DnsZoneProps) {
    super(scope, id);
    const problem = (prop: string, what: string): Error => new PropsError("DnsZone", id, prop, what);

    this.domainName = normalizeDnsName(props.domainName);
    const nameProblem = dnsNameProblem(this.domainName);
    if (nameProblem) throw problem("domainName", nameProblem);

    if (props.existingZoneId !== undefined) {
      if (!Token.isUnresolved(props.existingZoneId) && !ZONE_ID.test(props.existingZoneId)) {
        throw problem(
          "existingZoneId",
          `"${props.existingZoneId}" is not a hosted zone id (e.g. "Z0123456789ABCDEFGHIJ", without "/hostedzone/")`,
        );
      }
      if (props.forceDestroy) {
        throw problem("forceDestroy", "only applies to a zone created here (leave it unset or false with existingZoneId)");
      }
      this.zoneId = props.existingZoneId;
      return;
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
