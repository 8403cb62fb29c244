/** formatPolicyReport: the plain-text table. */
import { formatPolicyReport } from "../../policy/report";
import { Finding } from "../../policy/types";

const open: Finding = {
  rule: "AWS-EC2-IMDSV2",
  severity: "high",
  resource: "service-api/launch-template",
  address: "aws_launch_template.service-api_launch-template_ECFF2DFF",
  title: "Instance metadata requires IMDSv2",
  detail: 'metadata_options.http_tokens is "optional" (must be "required")',
  fix: "Set metadata_options.http_tokens required",
};
const medium: Finding = {
  rule: "AWS-RDS-MULTI-AZ",
  severity: "medium",
  resource: "database/instance",
  address: "aws_db_instance.database_instance_D7FC2283",
  title: "Production databases are Multi-AZ",
  detail: "multi_az is false",
  fix: "Remove database.highAvailability: false",
};
const suppressed: Finding = {
  rule: "AWS-RDS-PUBLIC",
  severity: "high",
  resource: "legacy/db",
  address: "aws_db_instance.legacy_db_1",
  title: "RDS is not publicly accessible",
  detail: "publicly_accessible is true",
  fix: "Set publicly_accessible false",
  suppressedReason: "migration window until June",
};

test("no findings is one line", () => {
  expect(formatPolicyReport("aws-dev", [])).toBe("policy aws-dev: no findings");
});

test("a table of open findings with their fix, then suppressed ones with their reason", () => {
  expect(formatPolicyReport("aws-prod", [suppressed, medium, open])).toBe(
    [
      "policy aws-prod: 2 open findings (1 high, 1 medium, 0 low), 1 suppressed",
      "SEVERITY  RULE              RESOURCE                     DETAIL",
      'high      AWS-EC2-IMDSV2    service-api/launch-template  metadata_options.http_tokens is "optional" (must be "required")',
      "                                                         fix: Set metadata_options.http_tokens required",
      "medium    AWS-RDS-MULTI-AZ  database/instance            multi_az is false",
      "                                                         fix: Remove database.highAvailability: false",
      "high      AWS-RDS-PUBLIC    legacy/db                    publicly_accessible is true",
      "                                                         suppressed: migration window until June",
    ].join("\n"),
  );
});

test("stale suppressions are listed after the table", () => {
  const report = formatPolicyReport("gcp-prod", [open], {
    unusedSuppressions: [{ rule: "GCP-SQL-REGIONAL", resource: "database/instance", reason: "cost" }],
  });
  expect(report.split("\n").at(-1)).toBe(
    "stale suppression: GCP-SQL-REGIONAL on database/instance matched nothing (reason was: cost)",
  );
});
