/**
 * A public ACM certificate validated through DNS: by records written into a Route 53 zone, or,
 * with DNS hosted elsewhere, by records the user creates at their DNS provider (`validationRecords`
 * says which). Consumers read `certificateArn` from the validation resource, so an HTTPS listener
 * is only created once the certificate is issued.
 */
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { dnsNameProblem, normalizeDnsName, validatedDomain } from "../../lib/dns-name";
import { PropsError } from "../../lib/errors";
import { ACM_PRIMARY_NAME_MAX } from "./limits";

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
   * Without it (DNS hosted outside Route 53) no record is written: the deploy waits at
   * aws_acm_certificate_validation until the user has created `validationRecords` at their DNS
   * provider and ACM has issued the certificate, for at most `EXTERNAL_VALIDATION_TIMEOUT` (2 hours;
   * a rerun of the deploy waits again, and ACM keeps the request pending for 72 hours).
   * @default no zone: the validation records are created by hand
   */
  readonly zoneId?: string;
}

/** One DNS record ACM needs to see before it issues the certificate; values are known after apply. */
export interface CertificateValidationRecord {
  /** The name it validates (a wildcard and its parent share one record), known at synthesis. */
  readonly domain: string;
  /** Record name, e.g. "_3f1c….example.com." (a token). */
  readonly name: string;
  /** Record type, "CNAME" (a token). */
  readonly type: string;
  /** Record value, e.g. "_9a2b….acm-validations.aws." (a token). */
  readonly value: string;
}

/**
 * How long a deploy without a zone waits for the user to create the validation records. The
 * provider's 75-minute default is tight for a human with a DNS provider's console and a
 * propagation delay; much longer would hold the state lock of a deploy nobody is watching.
 */
export const EXTERNAL_VALIDATION_TIMEOUT = "2h";

// ACM refuses a first domain name longer than a certificate CN may be.
const MAX_PRIMARY_NAME = ACM_PRIMARY_NAME_MAX;

export class Certificate extends Construct {
  /**
   * ARN of the certificate, taken from aws_acm_certificate_validation so that whatever uses it
   * waits until the certificate is issued.
   */
  readonly certificateArn: string;
  /** Every name the certificate covers, primary first, normalized and without duplicates. */
  readonly domainNames: string[];
  /**
   * The records ACM validates, one per distinct validated name, in `domainNames` order: what to
   * create at the DNS provider when there is no zone (e.g. as a stack output). With a zone they
   * are already written there.
   */
  readonly validationRecords: CertificateValidationRecord[];

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
    if (props.zoneId !== undefined && !props.zoneId) {
      throw problem("zoneId", "is empty (the id of the hosted zone serving these names, or leave it unset when DNS is hosted elsewhere)");
    }
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

    const validated = new Map<string, CertificateValidationRecord>();
    for (const domain of this.domainNames) {
      if (validated.has(validatedDomain(domain))) continue;
      validated.set(validatedDomain(domain), {
        domain,
        name: option(domain, "resource_record_name"),
        type: option(domain, "resource_record_type"),
        value: option(domain, "resource_record_value"),
      });
    }
    this.validationRecords = [...validated.values()];

    const zoneId = props.zoneId;
    if (zoneId === undefined) {
      // Without validation_record_fqdns the resource still waits for ACM to issue, which happens
      // once the user's records resolve.
      const validation = new AcmCertificateValidation(this, "validation", {
        certificateArn: certificate.arn,
        timeouts: { create: EXTERNAL_VALIDATION_TIMEOUT },
      });
      this.certificateArn = validation.certificateArn;
      return;
    }

    const records = this.validationRecords.map(
      (record) =>
        new Route53Record(this, `validation-${validatedDomain(record.domain)}`, {
          zoneId,
          name: record.name,
          type: record.type,
          records: [record.value],
          ttl: 60,
          // ACM reuses one CNAME per account and name: a record left by an earlier certificate
          // for the same name must be adopted, not fail the apply.
          allowOverwrite: true,
        }),
    );

    const validation = new AcmCertificateValidation(this, "validation", {
      certificateArn: certificate.arn,
      validationRecordFqdns: records.map((record) => record.fqdn),
    });
    this.certificateArn = validation.certificateArn;
  }
}
