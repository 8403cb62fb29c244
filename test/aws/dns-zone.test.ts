import { TerraformOutput } from "cdktf";
import { DnsZone } from "../../constructs/aws/dns-zone";
import { idOf, ref, synthWith } from "../support/synth";

const alb = { dnsName: "shop-123.eu-west-1.elb.amazonaws.com", zoneId: "Z32O12XQLNTSW2" };

describe("DnsZone", () => {
  test("creates a public zone, normalized, protected from force-destroy by default", () => {
    let zone!: DnsZone;
    const synth = synthWith("aws", (scope) => {
      zone = new DnsZone(scope, "dns", { domainName: "Example.COM." });
    });
    const created = synth.only("aws_route53_zone");
    expect(created).toMatchObject({ name: "example.com", force_destroy: false, tags: { Name: "example.com" } });
    expect(created.vpc).toBeUndefined(); // public, not private
    expect(zone.domainName).toBe("example.com");
    expect(synth.resources("aws_route53_record")).toEqual({});
  });

  test("zoneId and paste-ready nameServers reference the created zone", () => {
    const synth = synthWith("aws", (scope) => {
      const zone = new DnsZone(scope, "dns", { domainName: "example.com", forceDestroy: true });
      new TerraformOutput(scope, "zone_id", { value: zone.zoneId });
      new TerraformOutput(scope, "name_servers", { value: zone.nameServers });
    });
    const zoneId = idOf(synth, "aws_route53_zone");
    expect(synth.only("aws_route53_zone").force_destroy).toBe(true);
    expect(synth.outputs().zone_id.value).toBe(ref("aws_route53_zone", zoneId, "zone_id"));
    expect(synth.outputs().name_servers.value).toBe(
      `\${[for ns in aws_route53_zone.${zoneId}.name_servers : trimsuffix(ns, ".")]}`,
    );
  });

  test("an existing zone id creates no zone and exposes no name servers", () => {
    let zone!: DnsZone;
    const synth = synthWith("aws", (scope) => {
      zone = new DnsZone(scope, "dns", { domainName: "example.com", existingZoneId: "Z0123456789ABCDEFGHIJ" });
      zone.addAliasRecord("www.example.com", alb);
    });
    expect(synth.resources("aws_route53_zone")).toEqual({});
    expect(zone.zoneId).toBe("Z0123456789ABCDEFGHIJ");
    expect(zone.nameServers).toBeUndefined();
    expect(synth.only("aws_route53_record").zone_id).toBe("Z0123456789ABCDEFGHIJ");
  });

  test("addAliasRecord writes an A alias that evaluates target health, in this zone", () => {
    const synth = synthWith("aws", (scope) => {
      const zone = new DnsZone(scope, "dns", { domainName: "example.com" });
      zone.addAliasRecord("example.com", alb);
      zone.addAliasRecord("WWW.example.com.", alb);
    });
    const zoneId = idOf(synth, "aws_route53_zone");
    const records = Object.values(synth.resources("aws_route53_record"));
    expect(records.map((record: any) => record.name).sort()).toEqual(["example.com", "www.example.com"]);
    for (const record of records) {
      expect(record).toEqual({
        zone_id: ref("aws_route53_zone", zoneId, "zone_id"),
        name: record.name,
        type: "A",
        alias: { name: alb.dnsName, zone_id: alb.zoneId, evaluate_target_health: true },
      });
    }
  });

  test("addAliasRecord returns the record for further wiring", () => {
    synthWith("aws", (scope) => {
      const zone = new DnsZone(scope, "dns", { domainName: "example.com" });
      const record = zone.addAliasRecord("*.example.com", alb);
      expect(record.terraformResourceType).toBe("aws_route53_record");
    });
  });

  test("a wildcard alias is written under its own name, with a construct id that spells it out", () => {
    const synth = synthWith("aws", (scope) => {
      const zone = new DnsZone(scope, "dns", { domainName: "example.com" });
      zone.addAliasRecord("*.Example.com", alb);
      zone.addAliasRecord("example.com", alb);
    });
    const wildcard = Object.entries(synth.resources("aws_route53_record")).filter(([, record]: [string, any]) => record.name === "*.example.com");
    expect(wildcard).toHaveLength(1);
    expect(wildcard[0][0]).toMatch(/^dns_alias-wildcardexamplecom_/);
    expect(wildcard[0][1]).toMatchObject({ type: "A", alias: { name: alb.dnsName, zone_id: alb.zoneId } });
  });

  describe("delegation from a parent zone", () => {
    const PARENT = "Z0PARENT0000000000001";

    test("parentZoneId writes an NS record for the domain in the parent, holding the new zone's name servers", () => {
      let zone!: DnsZone;
      const synth = synthWith("aws", (scope) => {
        zone = new DnsZone(scope, "dns", { domainName: "Dev.Example.com", parentZoneId: PARENT });
        zone.addAliasRecord("api.dev.example.com", alb);
      });
      const zoneId = idOf(synth, "aws_route53_zone");
      const records = synth.resources("aws_route53_record");
      expect(synth.only("aws_route53_zone").name).toBe("dev.example.com");
      expect(records[idOf(synth, "aws_route53_record", (record) => record.type === "NS")]).toEqual({
        zone_id: PARENT,
        name: "dev.example.com",
        type: "NS",
        ttl: 3600,
        records: ref("aws_route53_zone", zoneId, "name_servers"),
      });
      expect(zone.delegationRecord?.terraformResourceType).toBe("aws_route53_record");
      // Records of the delegated zone still go into the new zone, not the parent.
      expect(records[idOf(synth, "aws_route53_record", (record) => record.type === "A")].zone_id).toBe(ref("aws_route53_zone", zoneId, "zone_id"));
    });

    test("without parentZoneId there is no delegation record", () => {
      let zone!: DnsZone;
      const synth = synthWith("aws", (scope) => {
        zone = new DnsZone(scope, "dns", { domainName: "dev.example.com" });
      });
      expect(synth.resources("aws_route53_record")).toEqual({});
      expect(zone.delegationRecord).toBeUndefined();
    });

    test.each([
      [
        { domainName: "example.com", parentZoneId: PARENT },
        `DnsZone 'dns': domainName: "example.com" is not a subdomain (delegation from parentZoneId needs a name below the parent's, e.g. "dev.example.com")`,
      ],
      [
        { domainName: "dev.example.com", parentZoneId: "/hostedzone/Z0PARENT" },
        `DnsZone 'dns': parentZoneId: "/hostedzone/Z0PARENT" is not a hosted zone id (e.g. "Z0123456789ABCDEFGHIJ", without "/hostedzone/")`,
      ],
      [
        { domainName: "dev.example.com", parentZoneId: PARENT, existingZoneId: "Z0123" },
        "DnsZone 'dns': parentZoneId: only applies to a zone created here (an existing zone is already delegated; leave one of parentZoneId and existingZoneId unset)",
      ],
    ])("rejects %j", (props, message) => {
      expect(() => synthWith("aws", (scope) => new DnsZone(scope, "dns", props))).toThrow(message);
    });
  });

  describe("validation", () => {
    const build = (props: any) => () => synthWith("aws", (scope) => new DnsZone(scope, "dns", props));
    test.each([
      [{ domainName: "" }, "DnsZone 'dns': domainName: is empty"],
      [{ domainName: "localhost" }, `DnsZone 'dns': domainName: "localhost" is not a fully qualified domain name (e.g. "example.com")`],
      [{ domainName: "bad_label.com" }, `DnsZone 'dns': domainName: "bad_label.com" has an invalid label "bad_label" (1..63 of a-z, 0-9 and "-", not starting or ending with "-")`],
      [{ domainName: "-x.com" }, `DnsZone 'dns': domainName: "-x.com" has an invalid label "-x"`],
      [{ domainName: "*.example.com" }, `DnsZone 'dns': domainName: "*.example.com" has an invalid label "*"`],
      [{ domainName: `${"a".repeat(64)}.com` }, `has an invalid label "${"a".repeat(64)}"`],
      [{ domainName: `${"a.".repeat(126)}com` }, "DnsZone 'dns': domainName: is 255 characters long (at most 253)"],
      [
        { domainName: "example.com", existingZoneId: "/hostedzone/Z0123" },
        `DnsZone 'dns': existingZoneId: "/hostedzone/Z0123" is not a hosted zone id (e.g. "Z0123456789ABCDEFGHIJ", without "/hostedzone/")`,
      ],
      [
        { domainName: "example.com", existingZoneId: "Z0123", forceDestroy: true },
        "DnsZone 'dns': forceDestroy: only applies to a zone created here (leave it unset or false with existingZoneId)",
      ],
    ])("rejects %j", (props, message) => {
      expect(build(props)).toThrow(message);
    });

    test("addAliasRecord rejects names outside the zone, invalid names and duplicates", () => {
      synthWith("aws", (scope) => {
        const zone = new DnsZone(scope, "dns", { domainName: "example.com" });
        expect(() => zone.addAliasRecord("example.org", alb)).toThrow(
          `DnsZone 'dns': addAliasRecord: "example.org" is not inside the zone (example.com or a name ending in .example.com)`,
        );
        expect(() => zone.addAliasRecord("badexample.com", alb)).toThrow('"badexample.com" is not inside the zone');
        expect(() => zone.addAliasRecord("a_b.example.com", alb)).toThrow(
          `DnsZone 'dns': addAliasRecord: "a_b.example.com" has an invalid label "a_b"`,
        );
        zone.addAliasRecord("www.example.com", alb);
        expect(() => zone.addAliasRecord("WWW.example.com", alb)).toThrow(
          `DnsZone 'dns': addAliasRecord: "www.example.com" already has an alias record in this zone (one record per hostname)`,
        );
      });
    });
  });
});
