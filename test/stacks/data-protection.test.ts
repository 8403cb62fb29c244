/**
 * Stateful resources carry Terraform's prevent_destroy or the provider's deletion protection in
 * production, and stay destroyable in development. Certificates are deliberately not
 * prevent_destroy: they are replaced create-before-destroy when domains change, and the APIs
 * refuse to delete a certificate a listener/proxy still uses.
 */
import { Testing } from "cdktf";
import { addEnvironmentStacks } from "../../stacks/app";
import { exampleEnvironments, synthExampleStacks } from "../support/example-stacks";
import { Construct } from "constructs";
import { DnsZone } from "../../constructs/aws/dns-zone";
import { CloudDnsZone } from "../../constructs/gcp/dns-zone";
import { synthWith } from "../support/synth";

const stacks = synthExampleStacks();

test("production: databases are deletion-protected and DNS zones prevent_destroy", () => {
  const aws = stacks["aws-prod"];
  expect(aws.only("aws_db_instance")).toMatchObject({ deletion_protection: true, skip_final_snapshot: false });
  expect(aws.only("aws_route53_zone").lifecycle).toEqual({ prevent_destroy: true });
  expect(aws.only("aws_lb").enable_deletion_protection).toBe(true);

  const gcp = stacks["gcp-prod"];
  const sql = gcp.only("google_sql_database_instance");
  expect(sql.deletion_protection).toBe(true);
  expect(sql.settings.deletion_protection_enabled).toBe(true);
  expect(gcp.only("google_dns_managed_zone").lifecycle).toEqual({ prevent_destroy: true });
  expect(gcp.only("google_secret_manager_secret").deletion_protection).toBe(true);
});

test("development: everything can be destroyed", () => {
  expect(stacks["aws-dev"].only("aws_db_instance")).toMatchObject({ deletion_protection: false, skip_final_snapshot: true });
  expect(stacks["aws-dev"].only("aws_route53_zone").lifecycle).toBeUndefined();
  expect(stacks["gcp-dev"].only("google_sql_database_instance").deletion_protection).toBe(false);
  expect(stacks["gcp-dev"].only("google_dns_managed_zone").lifecycle).toBeUndefined();
});

test.each([
  ["aws", "aws_route53_zone", (scope: Construct) => new DnsZone(scope, "dns", { domainName: "example.com", preventDestroy: true })],
  ["gcp", "google_dns_managed_zone", (scope: Construct) => new CloudDnsZone(scope, "dns", { name: "web", domainName: "example.com", preventDestroy: true })],
] as const)("%s DNS zone construct: preventDestroy sets the lifecycle flag", (cloud, type, build) => {
  expect(synthWith(cloud, (scope) => build(scope)).only(type).lifecycle).toEqual({ prevent_destroy: true });
});

test("retiring production by switching it to development keeps its final snapshot and backups", () => {
  const [prod] = exampleEnvironments().filter((environment) => environment.name === "prod");
  const retiring = { ...prod, stage: "development" as const };
  const app = Testing.app();
  const ids = addEnvironmentStacks(app, [retiring]);
  const json = Object.fromEntries(ids.map((id) => [id, JSON.parse(Testing.synth(app.node.findChild(id) as any))]));
  const rds = Object.values(json["aws-prod"].resource.aws_db_instance)[0] as any;
  expect(rds).toMatchObject({ deletion_protection: false, skip_final_snapshot: false, delete_automated_backups: false });
  const sql = Object.values(json["gcp-prod"].resource.google_sql_database_instance)[0] as any;
  expect(sql.settings.retain_backups_on_delete).toBe(true);
});

test("a throwaway environment (finalSnapshot: false) leaves nothing behind", () => {
  expect(stacks["aws-dev"].only("aws_db_instance")).toMatchObject({ skip_final_snapshot: true, delete_automated_backups: true });
  expect(stacks["gcp-dev"].only("google_sql_database_instance").settings.retain_backups_on_delete).toBe(false);
});
