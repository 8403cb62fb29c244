import { TerraformOutput } from "cdktf";
import { ComputeGlobalAddress } from "@cdktf/provider-google/lib/compute-global-address";
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
