/**
 * A public ACM certificate validated through DNS records in a Route 53 zone. Consumers read
 * `certificateArn` from the validation resource, so an HTTPS listener is only created once
 * the certificate is issued.
 */
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { dnsNameProblem, normalizeDnsName } from "../../lib/dns-name";
import { PropsError } from "../../lib/errors";

export interface CertificateProps {
  /**
   * Primary name of the certificate (its subject CN), e.g. "example.com" or "*.example.com";
   * at most 64 characters, an ACM limit for the first name.
   */
  readonly domainName: string;

  /**
   * Further names covered by the certificate, e.g. ["*.example.com", "api.example.com"].
   * Names repeating domainName or each other are dropped.
   * @default no additional names
   */
  readonly subjectAlternativeNames?: string[];

  /**
   * Route 53 hosted zone that serves every name above; the validation CNAMEs are written there.
   */
  readonly zoneId: string;
}

// ACM refuses a first domain name longer than a certificate CN may be.
const MAX_PRIMARY_NAME = 64;

/** The name ACM validates for `name`: a wildcard is proven by the same record as its parent. */
function validatedName(name: string): string {
  return name.startsWith("*.") ? name.slice(2) : name;
}

export class Certificate extends Construct {
  /**
   * ARN of the certificate, taken from aws_acm_certificate_validation so that whatever uses it
   * waits until the certificate is issued.
   */
  readonly certificateArn: string;
  /** Every name the certificate covers, primary first, normalized and without duplicates. */
  readonly domainNames: string[];

  constructor(scope: Construct, id: string, props: CertificateProps) {
    super(scope, id);
    const problem = (prop: string, what: string): Error => new PropsError("Certificate", id, prop, what);

    const primary = normalizeDnsName(props.domainName);
    const primaryProblem = dnsNameProblem(primary, true);
    if (primaryProblem) throw problem("domainName", primaryProblem);
    if (primary.length > MAX_PRIMARY_NAME) {
      throw problem("domainName", `is ${primary.length} characters long (at most ${MAX_PRIMARY_NAME} for the first name; put longer names in subjectAlternativeNames)`);
    }
    const alternatives: string[] = [];
    (props.subjectAlternativeNames ?? []).forEach((raw, index) => {
      const name = normalizeDnsName(raw);
      const nameProblem = dnsNameProblem(name, true);
      if (nameProblem) throw problem(`subjectAlternativeNames[${index}]`, nameProblem);
      if (name !== primary && !alternatives.includes(name)) alternatives.push(name);
    });
    if (!props.zoneId) throw problem("zoneId", "is empty (the id of the hosted zone serving these names)");
    this.domainNames = [primary, ...alternatives];

    const certificate = new AcmCertificate(this, "certificate", {
      domainName: primary,
      subjectAlternativeNames: alternatives.length > 0 ? alternatives : undefined,
      validationMethod: "DNS",
      keyAlgorithm: "RSA_2048",
      tags: { Name: primary },
      // Listeners hold the certificate: a replacement must exist before the old one can go.
      lifecycle: { createBeforeDestroy: true },
    });

    // domain_validation_options is only known after apply, so it cannot drive for_each
    // (cdktf #3627/#3713). The names are known now: one static record per distinct validated
    // name, each picking its values from a map of the options keyed by domain_name.
    const option = (domain: string, field: string): string =>
      Token.asString(
        `\${{ for o in ${certificate.fqn}.domain_validation_options : o.domain_name => o }[${JSON.stringify(domain)}].${field}}`,
      );

    const records = new Map<string, Route53Record>();
    for (const domain of this.domainNames) {
      const validated = validatedName(domain);
      if (records.has(validated)) continue;
      records.set(
        validated,
        new Route53Record(this, `validation-${validated}`, {
          zoneId: props.zoneId,
          name: option(domain, "resource_record_name"),
          type: option(domain, "resource_record_type"),
          records: [option(domain, "resource_record_value")],
          ttl: 60,
          // ACM reuses one CNAME per account and name: a record left by an earlier certificate
          // for the same name must be adopted, not fail the apply.
          allowOverwrite: true,
        }),
      );
    }

    const validation = new AcmCertificateValidation(this, "validation", {
      certificateArn: certificate.arn,
      validationRecordFqdns: [...records.values()].map((record) => record.fqdn),
    });
    this.certificateArn = validation.certificateArn;
  }
}
