import { TerraformOutput } from "cdktf";
import { Certificate, CertificateProps } from "../../constructs/aws/certificate";
import { idOf, ref, synthWith } from "../support/synth";

const ZONE = "Z0123456789ABCDEFGHIJ";

function synthCertificate(props: CertificateProps) {
  let certificate!: Certificate;
  const synth = synthWith("aws", (scope) => {
    certificate = new Certificate(scope, "cert", props);
    new TerraformOutput(scope, "arn", { value: certificate.certificateArn });
  });
  return { synth, certificate };
}

/** The Terraform expression that picks `field` of the validation option for `domain`. */
function option(certificateId: string, domain: string, field: string): string {
  return `\${{ for o in aws_acm_certificate.${certificateId}.domain_validation_options : o.domain_name => o }["${domain}"].${field}}`;
}

describe("Certificate", () => {
  test("requests an RSA 2048 certificate validated by DNS, replaced before destroy", () => {
    const { synth, certificate } = synthCertificate({ domainName: "Example.com", zoneId: ZONE });
    expect(synth.only("aws_acm_certificate")).toEqual({
      domain_name: "example.com",
      validation_method: "DNS",
      key_algorithm: "RSA_2048",
      lifecycle: { create_before_destroy: true },
      tags: { Name: "example.com" },
    });
    expect(certificate.domainNames).toEqual(["example.com"]);
  });

  test("one validation record per name, filled from domain_validation_options by domain_name", () => {
    const { synth } = synthCertificate({ domainName: "example.com", subjectAlternativeNames: ["api.example.com"], zoneId: ZONE });
    const certificateId = idOf(synth, "aws_acm_certificate");
    expect(synth.only("aws_acm_certificate").subject_alternative_names).toEqual(["api.example.com"]);
    const records = Object.values(synth.resources("aws_route53_record"));
    expect(records).toHaveLength(2);
    for (const domain of ["example.com", "api.example.com"]) {
      expect(records).toContainEqual({
        zone_id: ZONE,
        name: option(certificateId, domain, "resource_record_name"),
        type: option(certificateId, domain, "resource_record_type"),
        records: [option(certificateId, domain, "resource_record_value")],
        ttl: 60,
        allow_overwrite: true,
      });
    }
    // No for_each anywhere: its keys would be unknown at plan time.
    expect(records.every((record: any) => record.for_each === undefined)).toBe(true);
  });

  test("apex and wildcard share one validation record: 2 names, 1 record", () => {
    const { synth, certificate } = synthCertificate({
      domainName: "example.com",
      subjectAlternativeNames: ["*.example.com"],
      zoneId: ZONE,
    });
    expect(certificate.domainNames).toEqual(["example.com", "*.example.com"]);
    expect(synth.only("aws_acm_certificate").subject_alternative_names).toEqual(["*.example.com"]);
    const record = synth.only("aws_route53_record");
    expect(record.name).toBe(option(idOf(synth, "aws_acm_certificate"), "example.com", "resource_record_name"));
  });

  test("a wildcard without its apex is validated through the wildcard's own option", () => {
    const { synth } = synthCertificate({ domainName: "*.example.com", subjectAlternativeNames: ["*.api.example.com", "api.example.com"], zoneId: ZONE });
    const certificateId = idOf(synth, "aws_acm_certificate");
    const names = Object.values(synth.resources("aws_route53_record")).map((record: any) => record.name);
    expect(names.sort()).toEqual(
      [option(certificateId, "*.example.com", "resource_record_name"), option(certificateId, "*.api.example.com", "resource_record_name")].sort(),
    );
  });

  test("duplicate names, and names repeating the primary, are dropped", () => {
    const { synth, certificate } = synthCertificate({
      domainName: "example.com",
      subjectAlternativeNames: ["EXAMPLE.com", "www.example.com", "www.example.com."],
      zoneId: ZONE,
    });
    expect(certificate.domainNames).toEqual(["example.com", "www.example.com"]);
    expect(synth.only("aws_acm_certificate").subject_alternative_names).toEqual(["www.example.com"]);
  });

  test("certificateArn comes from the validation, which waits for every record", () => {
    const { synth } = synthCertificate({ domainName: "example.com", subjectAlternativeNames: ["*.example.com", "api.example.com"], zoneId: ZONE });
    const certificateId = idOf(synth, "aws_acm_certificate");
    const validationId = idOf(synth, "aws_acm_certificate_validation");
    const recordIds = Object.keys(synth.resources("aws_route53_record"));
    expect(recordIds).toHaveLength(2);
    const validation = synth.only("aws_acm_certificate_validation");
    expect(validation.certificate_arn).toBe(ref("aws_acm_certificate", certificateId, "arn"));
    expect([...validation.validation_record_fqdns].sort()).toEqual(recordIds.map((id) => ref("aws_route53_record", id, "fqdn")).sort());
    expect(synth.outputs().arn.value).toBe(ref("aws_acm_certificate_validation", validationId, "certificate_arn"));
  });

  describe("without a zone (DNS hosted elsewhere)", () => {
    test("writes no record; the validation still waits for issuance, for 2 hours", () => {
      const { synth } = synthCertificate({ domainName: "example.com", subjectAlternativeNames: ["*.example.com", "api.example.com"] });
      const certificateId = idOf(synth, "aws_acm_certificate");
      expect(synth.resources("aws_route53_record")).toEqual({});
      expect(synth.only("aws_acm_certificate_validation")).toEqual({
        certificate_arn: ref("aws_acm_certificate", certificateId, "arn"),
        timeouts: { create: "2h" },
      });
      const validationId = idOf(synth, "aws_acm_certificate_validation");
      expect(synth.outputs().arn.value).toBe(ref("aws_acm_certificate_validation", validationId, "certificate_arn"));
    });

    test("validationRecords: one per validated name, typed tokens that render as the options' fields", () => {
      let records!: Certificate["validationRecords"];
      const synth = synthWith("aws", (scope) => {
        const certificate = new Certificate(scope, "cert", { domainName: "example.com", subjectAlternativeNames: ["*.example.com", "api.example.com"] });
        records = certificate.validationRecords;
        new TerraformOutput(scope, "validation_records", { value: records });
      });
      const certificateId = idOf(synth, "aws_acm_certificate");
      expect(records.map((record) => record.domain)).toEqual(["example.com", "api.example.com"]);
      expect(synth.outputs().validation_records.value).toEqual(
        ["example.com", "api.example.com"].map((domain) => ({
          domain,
          name: option(certificateId, domain, "resource_record_name"),
          type: option(certificateId, domain, "resource_record_type"),
          value: option(certificateId, domain, "resource_record_value"),
        })),
      );
    });

    test("with a zone, validationRecords describe the records written there", () => {
      const { synth, certificate } = synthCertificate({ domainName: "example.com", subjectAlternativeNames: ["api.example.com"], zoneId: ZONE });
      const written = Object.values(synth.resources("aws_route53_record")).map((record: any) => record.name);
      expect(certificate.validationRecords.map((record) => record.domain)).toEqual(["example.com", "api.example.com"]);
      expect(synth.only("aws_acm_certificate_validation").timeouts).toBeUndefined();
      expect(written).toHaveLength(2);
    });
  });

  describe("validation", () => {
    test.each([
      [{ domainName: "localhost", zoneId: ZONE }, `Certificate 'cert': domainName: "localhost" is not a fully qualified domain name (e.g. "example.com")`],
      [{ domainName: "*.com", zoneId: ZONE }, `Certificate 'cert': domainName: "*.com" needs at least two labels after the wildcard (e.g. "*.example.com")`],
      [
        { domainName: "a.*.example.com", zoneId: ZONE },
        `Certificate 'cert': domainName: "a.*.example.com" has an invalid label "*" (1..63 of a-z, 0-9 and "-", not starting or ending with "-", or a leading "*")`,
      ],
      [
        { domainName: `${"a".repeat(61)}.com`, zoneId: ZONE },
        "Certificate 'cert': domainName: is 65 characters long (at most 64 for the first name; put longer names in subjectAlternativeNames)",
      ],
      [
        { domainName: "example.com", subjectAlternativeNames: ["ok.example.com", "bad name.example.com"], zoneId: ZONE },
        `Certificate 'cert': subjectAlternativeNames[1]: "bad name.example.com" has an invalid label "bad name"`,
      ],
      [{ domainName: "example.com", zoneId: "" }, "Certificate 'cert': zoneId: is empty (the id of the hosted zone serving these names, or leave it unset when DNS is hosted elsewhere)"],
    ])("rejects %j", (props, message) => {
      expect(() => synthCertificate(props as CertificateProps)).toThrow(message);
    });

    test("a long name is fine as an alternative name", () => {
      expect(() => synthCertificate({ domainName: "example.com", subjectAlternativeNames: [`${"a".repeat(61)}.com`], zoneId: ZONE })).not.toThrow();
    });
  });
});
