import { Fn, TerraformOutput } from "cdktf";
import { ComputeGlobalAddress } from "@cdktf/provider-google/lib/compute-global-address";
import { CertificateManagerDnsAuthorization } from "@cdktf/provider-google/lib/certificate-manager-dns-authorization";
import { CloudDnsZone, CloudDnsZoneProps } from "../../constructs/gcp/dns-zone";
import { idOf, ref, synthWith } from "../support/synth";

const error = (prop: string) => `CloudDnsZone 'dns': ${prop}: `;
const zoneWith = (overrides: Partial<CloudDnsZoneProps> = {}) => () =>
  synthWith("gcp", (scope) => new CloudDnsZone(scope, "dns", { name: "prod", domainName: "example.com", ...overrides }));
const recordIn = (hostname: string, ipAddress = "203.0.113.10", overrides: Partial<CloudDnsZoneProps> = {}) => () =>
  synthWith("gcp", (scope) => {
    const zone = new CloudDnsZone(scope, "dns", { name: "prod", domainName: "example.com", ...overrides });
    zone.addARecord(hostname, ipAddress);
  });

describe("CloudDnsZone", () => {
  test("creates a public, DNSSEC-signed zone named after `name`, normalized, without force-destroy", () => {
    let zone!: CloudDnsZone;
    const synth = synthWith("gcp", (scope) => {
      zone = new CloudDnsZone(scope, "dns", { name: "prod", domainName: "Example.COM." });
    });
    expect(synth.only("google_dns_managed_zone")).toEqual({
      name: "prod-zone",
      dns_name: "example.com.",
      description: "Public zone of example.com, managed by Terraform",
      visibility: "public",
      dnssec_config: { state: "on" },
      force_destroy: false,
    });
    expect(zone.domainName).toBe("example.com");
    expect(synth.resources("google_dns_record_set")).toEqual({});
  });

  test("DNSSEC off, force-destroy and labels when asked", () => {
    const synth = zoneWith({ dnssec: false, forceDestroy: true, labels: { team: "web" } })();
    expect(synth.only("google_dns_managed_zone")).toMatchObject({
      dnssec_config: { state: "off" },
      force_destroy: true,
      labels: { team: "web" },
    });
  });

  test("zoneName and registrar-ready nameServers (dots trimmed) reference the created zone", () => {
    const synth = synthWith("gcp", (scope) => {
      const zone = new CloudDnsZone(scope, "dns", { name: "prod", domainName: "example.com" });
      new TerraformOutput(scope, "zone_name", { value: zone.zoneName });
      new TerraformOutput(scope, "name_servers", { value: zone.nameServers });
    });
    const zoneId = idOf(synth, "google_dns_managed_zone");
    expect(synth.outputs().zone_name.value).toBe(ref("google_dns_managed_zone", zoneId, "name"));
    expect(synth.outputs().name_servers.value).toBe(
      `\${[for ns in google_dns_managed_zone.${zoneId}.name_servers : trimsuffix(ns, ".")]}`,
    );
  });

  test("an existing zone name creates no zone and exposes no name servers", () => {
    let zone!: CloudDnsZone;
    const synth = synthWith("gcp", (scope) => {
      zone = new CloudDnsZone(scope, "dns", { name: "prod", domainName: "example.com", existingZoneName: "example-com" });
      zone.addARecord("www.example.com", "203.0.113.10");
    });
    expect(synth.resources("google_dns_managed_zone")).toEqual({});
    expect(zone.zoneName).toBe("example-com");
    expect(zone.nameServers).toBeUndefined();
    expect(synth.only("google_dns_record_set").managed_zone).toBe("example-com");
  });

  test("addARecord writes a fully qualified A record with a 300 s TTL in this zone", () => {
    const synth = synthWith("gcp", (scope) => {
      const zone = new CloudDnsZone(scope, "dns", { name: "prod", domainName: "example.com" });
      zone.addARecord("example.com", "203.0.113.10");
      zone.addARecord("WWW.example.com.", "203.0.113.11");
      zone.addARecord("*.example.com", "203.0.113.12");
    });
    const zoneRef = ref("google_dns_managed_zone", idOf(synth, "google_dns_managed_zone"), "name");
    const records = Object.values(synth.resources("google_dns_record_set")) as any[];
    expect(records.map((record) => [record.name, record.rrdatas]).sort()).toEqual([
      ["*.example.com.", ["203.0.113.12"]],
      ["example.com.", ["203.0.113.10"]],
      ["www.example.com.", ["203.0.113.11"]],
    ]);
    for (const record of records) {
      expect(record).toEqual({ managed_zone: zoneRef, name: record.name, type: "A", ttl: 300, rrdatas: record.rrdatas });
    }
  });

  test("addARecord accepts an address reference (e.g. the load balancer's global address)", () => {
    const synth = synthWith("gcp", (scope) => {
      const address = new ComputeGlobalAddress(scope, "lb-ip", { name: "prod-lb" });
      new CloudDnsZone(scope, "dns", { name: "prod", domainName: "example.com" }).addARecord("api.example.com", address.address);
    });
    expect(synth.only("google_dns_record_set").rrdatas).toEqual([ref("google_compute_global_address", "lb-ip", "address")]);
  });

  describe("delegation from a parent zone", () => {
    test("parentZone writes an NS record set for the domain in the parent managed zone, in its project", () => {
      let zone!: CloudDnsZone;
      const synth = synthWith("gcp", (scope) => {
        zone = new CloudDnsZone(scope, "dns", { name: "dev", domainName: "Dev.Example.com", parentZone: { name: "example-com", project: "shared-dns-prod" } });
        zone.addARecord("api.dev.example.com", "203.0.113.10");
      });
      const zoneId = idOf(synth, "google_dns_managed_zone");
      const records = synth.resources("google_dns_record_set");
      expect(records[idOf(synth, "google_dns_record_set", (record) => record.type === "NS")]).toEqual({
        managed_zone: "example-com",
        project: "shared-dns-prod",
        name: "dev.example.com.",
        type: "NS",
        ttl: 3600,
        rrdatas: ref("google_dns_managed_zone", zoneId, "name_servers"),
      });
      expect(zone.delegationRecord?.terraformResourceType).toBe("google_dns_record_set");
      // The zone's own records stay in the new zone.
      expect(records[idOf(synth, "google_dns_record_set", (record) => record.type === "A")].managed_zone).toBe(
        ref("google_dns_managed_zone", zoneId, "name"),
      );
    });

    test("without a project the parent is looked up in the provider's project", () => {
      const synth = zoneWith({ domainName: "dev.example.com", parentZone: { name: "example-com" } })();
      expect(synth.only("google_dns_record_set").project).toBeUndefined();
      expect(synth.only("google_dns_record_set").managed_zone).toBe("example-com");
    });

    test("refuses an apex domain, a bad parent name or project, and an existing zone", () => {
      expect(zoneWith({ parentZone: { name: "example-com" } })).toThrow(
        `${error("domainName")}"example.com" is not a subdomain (delegation from parentZone needs a name below the parent's, e.g. "dev.example.com")`,
      );
      expect(zoneWith({ domainName: "dev.example.com", parentZone: { name: "example.com." } })).toThrow(
        `${error("parentZone.name")}"example.com." is not a managed zone name (the parent zone's resource name (lowercase letters, digits and hyphens, at most 63 characters), not its DNS name)`,
      );
      expect(zoneWith({ domainName: "dev.example.com", parentZone: { name: "example-com", project: "Shared_DNS" } })).toThrow(
        `${error("parentZone.project")}"Shared_DNS" is not a project id (6 to 30 lowercase letters, digits and hyphens, starting with a letter)`,
      );
      expect(zoneWith({ domainName: "dev.example.com", existingZoneName: "dev-example-com", parentZone: { name: "example-com" } })).toThrow(
        `${error("parentZone")}only applies to a zone created here (an existing zone is already delegated; leave one of parentZone and existingZoneName unset)`,
      );
    });
  });

  describe("addRecord", () => {
    const withZone = (build: (zone: CloudDnsZone, scope: any) => void) => () =>
      synthWith("gcp", (scope) => build(new CloudDnsZone(scope, "dns", { name: "prod", domainName: "example.com" }), scope));

    test("writes a record set of the given type, names fully qualified, 300 s TTL unless told", () => {
      const synth = withZone((zone) => {
        zone.addRecord("_acme-challenge.Example.com", "CNAME", ["abc.authorize.certificatemanager.goog"]);
        zone.addRecord("example.com", "TXT", ['"v=spf1 -all"'], { ttl: 3600 });
        zone.addRecord("*.example.com", "AAAA", ["2001:db8::1"]);
      })();
      const zoneRef = ref("google_dns_managed_zone", idOf(synth, "google_dns_managed_zone"), "name");
      const records = Object.entries(synth.resources("google_dns_record_set")).map(([id, record]: [string, any]) => [id.replace(/_[0-9A-F]{8}$/, ""), record]);
      expect(Object.fromEntries(records)).toEqual({
        "dns_cname-_acme-challengeexamplecom": { managed_zone: zoneRef, name: "_acme-challenge.example.com.", type: "CNAME", ttl: 300, rrdatas: ["abc.authorize.certificatemanager.goog."] },
        "dns_txt-examplecom": { managed_zone: zoneRef, name: "example.com.", type: "TXT", ttl: 3600, rrdatas: ['"v=spf1 -all"'] },
        "dns_aaaa-wildcardexamplecom": { managed_zone: zoneRef, name: "*.example.com.", type: "AAAA", ttl: 300, rrdatas: ["2001:db8::1"] },
      });
    });

    test("a name known only at apply time: written fully qualified, addressed by the caller's key", () => {
      const build = () =>
        withZone((zone, scope) => {
          const authorization = new CertificateManagerDnsAuthorization(scope, "authorization", { name: "prod-example-com", domain: "example.com" });
          const record = authorization.dnsResourceRecord.get(0);
          zone.addRecord(record.name, "CNAME", [record.data], { key: "example.com" });
        })();
      const synth = build();
      const [[id, record]] = Object.entries(synth.resources("google_dns_record_set")) as [string, any][];
      expect(id).toMatch(/^dns_cname-examplecom_/);
      expect(record.name).toBe('${trimsuffix(google_certificate_manager_dns_authorization.authorization.dns_resource_record[0].name, ".")}.');
      expect(record.rrdatas).toEqual(["${google_certificate_manager_dns_authorization.authorization.dns_resource_record[0].data}"]);
      // Stable address: the same key gives the same id on every synthesis.
      expect(Object.keys(build().resources("google_dns_record_set"))).toEqual([id]);
    });

    test("addARecord and addRecord share one id space per name and type", () => {
      expect(
        withZone((zone) => {
          zone.addARecord("www.example.com", "203.0.113.10");
          zone.addRecord("www.example.com", "A", ["203.0.113.11"]);
        }),
      ).toThrow(`CloudDnsZone 'dns': addRecord: "www.example.com" already has a record of type A in this zone (one record set per name and type)`);
      expect(
        withZone((zone) => {
          zone.addRecord("www.example.com", "A", ["203.0.113.11"]);
          zone.addARecord("www.example.com", "203.0.113.10");
        }),
      ).toThrow(`CloudDnsZone 'dns': addARecord: "www.example.com" already has an A record in this zone (one A record per hostname)`);
      expect(
        withZone((zone) => {
          zone.addRecord("www.example.com", "A", ["203.0.113.11"]);
          zone.addRecord("www.example.com", "TXT", ['"hello"']);
        }),
      ).not.toThrow();
    });

    test.each([
      [(zone: CloudDnsZone) => zone.addRecord(Fn.lower("WWW.example.com"), "CNAME", ["a.example.net"]), 'name is only known at apply time, so the record needs options.key (a stable key such as the domain the record is for)'],
      [(zone: CloudDnsZone) => zone.addRecord("www.example.com", "PTR" as any, ["a.example.net"]), 'type "PTR" is not supported (A, AAAA, CNAME, TXT, MX, CAA, NS, SRV)'],
      [(zone: CloudDnsZone) => zone.addRecord("www.other.com", "TXT", ['"x"']), '"www.other.com" is not inside the zone (example.com or a name ending in .example.com)'],
      [(zone: CloudDnsZone) => zone.addRecord("a b.example.com", "TXT", ['"x"']), `"a b.example.com" is not a valid record name (labels of a-z, 0-9 and "-", a leading "*" or "_service" label)`],
      [(zone: CloudDnsZone) => zone.addRecord("example.com", "CNAME", ["a.example.net"]), "a CNAME cannot be at the zone apex (example.com) (an A/AAAA record there, or a name below the apex)"],
      [(zone: CloudDnsZone) => zone.addRecord("www.example.com", "CNAME", ["a.example.net", "b.example.net"]), "a CNAME has exactly one value, not 2"],
      [(zone: CloudDnsZone) => zone.addRecord("www.example.com", "CNAME", ["not a name"]), '"not a name" is not a DNS name (the canonical name, e.g. "lb.example.net")'],
      [(zone: CloudDnsZone) => zone.addRecord("www.example.com", "A", []), "rrdatas is empty (at least one value)"],
      [(zone: CloudDnsZone) => zone.addRecord("www.example.com", "A", ["2001:db8::1"]), '"2001:db8::1" is not an IPv4 address (a dotted quad such as "203.0.113.10", or a reference to one)'],
      [(zone: CloudDnsZone) => zone.addRecord("www.example.com", "AAAA", ["203.0.113.1"]), '"203.0.113.1" is not an IPv6 address (such as "2001:db8::1", or a reference to one)'],
      [(zone: CloudDnsZone) => zone.addRecord("www.example.com", "TXT", ['"x"'], { ttl: -1 }), "ttl -1 is not a whole number of seconds (0 or more)"],
      [(zone: CloudDnsZone) => zone.addRecord("www.example.com", "TXT", ['"x"'], { key: "a/b" }), 'key "a/b" cannot name a record (a literal of letters, digits, ".", "-", "_" and "*")'],
    ])("refuses bad input %#", (add, message) => {
      expect(withZone((zone) => add(zone))).toThrow(`CloudDnsZone 'dns': addRecord: ${message}`);
    });
  });

  describe("validation", () => {
    test("name must make a valid managed zone name", () => {
      const rules = '(lowercase letters, digits and hyphens, starting with a letter, not ending with "-", at most 58 characters)';
      expect(zoneWith({ name: "Prod" })).toThrow(`${error("name")}"Prod" cannot prefix a managed zone name ${rules}`);
      expect(zoneWith({ name: "1prod" })).toThrow(error("name"));
      expect(zoneWith({ name: "prod-" })).toThrow(error("name"));
      expect(zoneWith({ name: "p".repeat(59) })).toThrow(error("name"));
      expect(zoneWith({ name: "p".repeat(58) })).not.toThrow();
    });

    test("domainName must be a fully qualified domain name", () => {
      expect(zoneWith({ domainName: "" })).toThrow(`${error("domainName")}is empty (a domain name such as "example.com")`);
      expect(zoneWith({ domainName: "localhost" })).toThrow(
        `${error("domainName")}"localhost" is not a fully qualified domain name (e.g. "example.com")`,
      );
      expect(zoneWith({ domainName: "exa_mple.com" })).toThrow(`${error("domainName")}"exa_mple.com" has an invalid label "exa_mple"`);
      expect(zoneWith({ domainName: `${"a".repeat(250)}.com` })).toThrow(`${error("domainName")}is 254 characters long (at most 253)`);
    });

    test("existingZoneName must be a zone resource name, and excludes the settings of a created zone", () => {
      expect(zoneWith({ existingZoneName: "example.com." })).toThrow(
        `${error("existingZoneName")}"example.com." is not a managed zone name (the zone's resource name`,
      );
      expect(zoneWith({ existingZoneName: "example-com", forceDestroy: true })).toThrow(
        `${error("forceDestroy")}only applies to a zone created here (leave it unset or false with existingZoneName)`,
      );
      expect(zoneWith({ existingZoneName: "example-com", forceDestroy: false })).not.toThrow();
      expect(zoneWith({ existingZoneName: "example-com", dnssec: true })).toThrow(`${error("dnssec")}only applies to a zone created here`);
    });

    test("addARecord refuses hostnames outside the zone or malformed", () => {
      const outside = (host: string) =>
        `CloudDnsZone 'dns': addARecord: "${host}" is not inside the zone (example.com or a name ending in .example.com)`;
      expect(recordIn("www.other.com")).toThrow(outside("www.other.com"));
      expect(recordIn("notexample.com")).toThrow(outside("notexample.com"));
      expect(recordIn("bad_label.example.com")).toThrow(
        `CloudDnsZone 'dns': addARecord: hostname "bad_label.example.com" has an invalid label "bad_label"`,
      );
      expect(recordIn("www.example.com", "203.0.113.10", { existingZoneName: "example-com" })).not.toThrow();
    });

    test("addARecord refuses a second record for the same hostname", () => {
      expect(() =>
        synthWith("gcp", (scope) => {
          const zone = new CloudDnsZone(scope, "dns", { name: "prod", domainName: "example.com" });
          zone.addARecord("www.example.com", "203.0.113.10");
          zone.addARecord("WWW.example.com.", "203.0.113.11");
        }),
      ).toThrow(`CloudDnsZone 'dns': addARecord: "www.example.com" already has an A record in this zone (one A record per hostname)`);
    });

    test("addARecord needs an IPv4 address", () => {
      const message = (ip: string) =>
        `CloudDnsZone 'dns': addARecord: "${ip}" is not an IPv4 address (a dotted quad such as "203.0.113.10", or a reference to one)`;
      expect(recordIn("www.example.com", "2001:db8::1")).toThrow(message("2001:db8::1"));
      expect(recordIn("www.example.com", "300.1.1.1")).toThrow(message("300.1.1.1"));
      expect(recordIn("www.example.com", "")).toThrow(message(""));
    });
  });
});
