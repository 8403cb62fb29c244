import { createHash } from "crypto";
import { TerraformOutput } from "cdktf";
import { GcpCertificate, GcpCertificateProps } from "../../constructs/gcp/certificate";
import { validatedDomain } from "../../lib/dns-name";
import { GcpLoadBalancer } from "../../constructs/gcp/load-balancer";
import { schemaProblems } from "../support/provider-schema";
import { idOf, ref, synthWith } from "../support/synth";

const HOSTNAMES = ["example.com", "*.example.com", "api.example.com"];
const hash = (value: string) => createHash("sha256").update(value).digest("hex").slice(0, 8);

function synthCertificate(props: GcpCertificateProps, withLoadBalancer = false) {
  const synth = synthWith("gcp", (scope) => {
    const certificate = new GcpCertificate(scope, "certificate", props);
    const { certificateMapId, dnsAuthorizationRecords, hostnames } = certificate;
    new TerraformOutput(scope, "attributes", { value: { certificateMapId, dnsAuthorizationRecords, hostnames } });
    if (withLoadBalancer) {
      new GcpLoadBalancer(scope, "lb", {
        name: "shop",
        certificateMapId,
        services: [{ name: "web", hostnames: props.hostnames, instanceGroup: "projects/p/regions/r/instanceGroups/g", portName: "http", healthCheckId: "projects/p/global/healthChecks/h" }],
      });
    }
  });
  return { synth, attributes: synth.outputs().attributes.value };
}

describe("GcpCertificate", () => {
  const { synth, attributes } = synthCertificate({ name: "shop", hostnames: HOSTNAMES }, true);
  const mapId = idOf(synth, "google_certificate_manager_certificate_map");
  const authorizationId = (domain: string) => idOf(synth, "google_certificate_manager_dns_authorization", (auth) => auth.domain === domain);
  const certificateId = (hostname: string) =>
    idOf(synth, "google_certificate_manager_certificate", (certificate) => certificate.managed.domains[0] === hostname);

  test("every resource is valid against the google 6.50.0 schema", () => {
    expect(schemaProblems(synth.json)).toEqual([]);
  });

  test("one DNS authorization per authorized domain: a wildcard shares its parent's, named by domain", () => {
    const authorizations = Object.values(synth.resources("google_certificate_manager_dns_authorization"));
    expect(authorizations).toHaveLength(2);
    for (const domain of ["example.com", "api.example.com"]) {
      expect(synth.resources("google_certificate_manager_dns_authorization")[authorizationId(domain)]).toMatchObject({
        name: `shop-auth-${hash(domain)}`,
        domain,
        type: "FIXED_RECORD",
      });
    }
    expect(validatedDomain("*.example.com")).toBe("example.com");
  });

  test("one managed certificate per hostname, authorized by its domain's authorization, created before the one it replaces", () => {
    for (const hostname of HOSTNAMES) {
      expect(synth.resources("google_certificate_manager_certificate")[certificateId(hostname)]).toMatchObject({
        name: `shop-${hash(hostname)}`,
        managed: {
          domains: [hostname],
          dns_authorizations: [ref("google_certificate_manager_dns_authorization", authorizationId(validatedDomain(hostname)), "id")],
        },
        lifecycle: { create_before_destroy: true },
      });
    }
  });

  test("one map entry per hostname to its certificate, and a PRIMARY entry with the first hostname's certificate", () => {
    const entries = Object.values(synth.resources("google_certificate_manager_certificate_map_entry"));
    expect(entries).toHaveLength(4);
    const mapName = ref("google_certificate_manager_certificate_map", mapId, "name");
    for (const hostname of HOSTNAMES) {
      expect(entries).toContainEqual(
        expect.objectContaining({
          name: `shop-${hash(hostname)}`,
          map: mapName,
          hostname,
          certificates: [ref("google_certificate_manager_certificate", certificateId(hostname), "id")],
        }),
      );
    }
    expect(entries).toContainEqual(
      expect.objectContaining({ name: "shop-primary", map: mapName, matcher: "PRIMARY", certificates: [ref("google_certificate_manager_certificate", certificateId("example.com"), "id")] }),
    );
    expect(synth.only("google_certificate_manager_certificate_map")).toMatchObject({ name: "shop" });
  });

  test("the load balancer's HTTPS proxy serves the map by its full resource name", () => {
    expect(attributes.certificateMapId).toBe(ref("google_certificate_manager_certificate_map", mapId, "id"));
    expect(synth.only("google_compute_target_https_proxy").certificate_map).toBe(
      `//certificatemanager.googleapis.com/${ref("google_certificate_manager_certificate_map", mapId, "id")}`,
    );
  });

  test("the DNS records to publish come from each authorization's dns_resource_record, one per domain, sorted", () => {
    const field = (domain: string, name: string) => "${" + `google_certificate_manager_dns_authorization.${authorizationId(domain)}.dns_resource_record[0].${name}` + "}";
    expect(attributes.dnsAuthorizationRecords).toEqual(
      ["api.example.com", "example.com"].map((domain) => ({ domain, name: field(domain, "name"), type: field(domain, "type"), data: field(domain, "data") })),
    );
  });

  test("adding or removing a hostname leaves every other hostname's resources as they are", () => {
    const names = (hostnames: string[]) => {
      const { synth: other } = synthCertificate({ name: "shop", hostnames });
      return Object.entries(other.json.resource)
        .filter(([type]) => type !== "google_certificate_manager_certificate_map")
        .flatMap(([type, resources]) => Object.entries(resources as object).map(([id, resource]) => `${type}.${id}=${JSON.stringify({ ...resource, description: undefined })}`));
    };
    const before = names(["example.com", "api.example.com"]);
    const after = names(["example.com", "api.example.com", "*.example.com", "www.example.com"]);
    expect(after.filter((resource) => before.includes(resource))).toHaveLength(before.length);
    const fewer = names(["example.com"]);
    expect(fewer.every((resource) => before.includes(resource))).toBe(true);
  });

  test("hostnames are normalized: lower case, no trailing dot", () => {
    const { attributes: normalized } = synthCertificate({ name: "shop", hostnames: ["API.Example.com."] });
    expect(normalized.hostnames).toEqual(["api.example.com"]);
  });

  describe("validation", () => {
    it.each<[string, Partial<GcpCertificateProps>, string]>([
      ["upper-case name", { name: "Shop" }, `GcpCertificate 'certificate': name: "Shop" is not a valid name (lower-case letters, digits and "-", starting with a letter, not ending with "-", at most 49 characters)`],
      ["name too long", { name: "a".repeat(50) }, `name: "${"a".repeat(50)}" is not a valid name`],
      ["no hostnames", { hostnames: [] }, "GcpCertificate 'certificate': hostnames: is empty (at least one hostname)"],
      ["too many hostnames", { hostnames: Array.from({ length: 101 }, (_, i) => `h${i}.example.com`) }, "GcpCertificate 'certificate': hostnames: 101 hostnames (at most 100)"],
      ["a wildcard below the first label", { hostnames: ["a.*.example.com"] }, `GcpCertificate 'certificate': hostnames[0]: "a.*.example.com" is not a hostname (a DNS name such as api.example.com, or one leading wildcard label such as "*.example.com")`],
      ["a bare wildcard", { hostnames: ["*"] }, `hostnames[0]: "*" is not a hostname`],
      ["a URL", { hostnames: ["https://example.com"] }, `hostnames[0]: "https://example.com" is not a hostname`],
      ["a hostname twice", { hostnames: ["example.com", "Example.com."] }, `GcpCertificate 'certificate': hostnames[1]: "example.com" is listed twice (each hostname once)`],
    ])("rejects %s", (_label, overrides, message) => {
      expect(() => synthCertificate({ name: "shop", hostnames: HOSTNAMES, ...overrides })).toThrow(message);
    });

    it("accepts the boundaries", () => {
      expect(() => synthCertificate({ name: "a".repeat(49), hostnames: Array.from({ length: 100 }, (_, i) => `h${i}.example.com`) })).not.toThrow();
    });
  });
});
