import * as fs from "fs";
import * as path from "path";
import {
  AllowEntryError,
  destructiveChanges,
  formatGuardResult,
  guardPlan,
  STATEFUL_RESOURCE_REASONS,
  STATEFUL_RESOURCE_TYPES,
} from "../../guard/plan-guard";
import { NotAPlanError } from "../../plan/plan-json";

const FIXTURES = path.join(__dirname, "..", "fixtures", "plans");
const fixture = (file: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8"));

const DATABASE = "aws_db_instance.database_instance_D7FC2283";
const ZONE = "aws_route53_zone.dns_zone_2E2729FB";

/** A minimal plan: one managed resource change per [address, type, actions]. */
function plan(...changes: [string, string, string[], string?][]): any {
  return {
    format_version: "1.2",
    terraform_version: "1.11.4",
    resource_changes: changes.map(([address, type, actions, mode]) => ({
      address,
      mode: mode ?? "managed",
      type,
      name: address.split(".").pop(),
      change: { actions },
    })),
  };
}

describe("STATEFUL_RESOURCE_TYPES", () => {
  test("covers the data and identities of both clouds, each with a reason", () => {
    for (const type of [
      "aws_db_instance",
      "aws_rds_cluster",
      "aws_route53_zone",
      "aws_acm_certificate",
      "aws_s3_bucket",
      "aws_secretsmanager_secret",
      "aws_kms_key",
      "aws_ebs_volume",
      "google_sql_database_instance",
      "google_sql_database",
      "google_dns_managed_zone",
      "google_compute_managed_ssl_certificate",
      "google_secret_manager_secret",
      "google_storage_bucket",
      "google_kms_crypto_key",
    ]) {
      expect(STATEFUL_RESOURCE_TYPES).toContain(type);
    }
    expect([...STATEFUL_RESOURCE_TYPES].sort()).toEqual(Object.keys(STATEFUL_RESOURCE_REASONS).sort());
    for (const reason of Object.values(STATEFUL_RESOURCE_REASONS)) expect(reason.length).toBeGreaterThan(10);
  });

  test("leaves out what is rebuilt from configuration", () => {
    for (const type of ["aws_lb_listener_rule", "aws_instance", "aws_route53_record", "aws_rds_cluster_instance", "google_compute_instance_group_manager"]) {
      expect(STATEFUL_RESOURCE_TYPES).not.toContain(type);
    }
  });
});

describe("destructiveChanges", () => {
  test("maps delete and both replace orders; ignores everything else", () => {
    const changes = destructiveChanges(
      plan(
        ["aws_s3_bucket.deleted", "aws_s3_bucket", ["delete"]],
        ["aws_s3_bucket.replaced", "aws_s3_bucket", ["delete", "create"]],
        ["aws_acm_certificate.create_before_destroy", "aws_acm_certificate", ["create", "delete"]],
        ["aws_lb_listener_rule.replaced", "aws_lb_listener_rule", ["delete", "create"]],
        ["aws_db_instance.updated", "aws_db_instance", ["update"]],
        ["aws_db_instance.created", "aws_db_instance", ["create"]],
        ["aws_db_instance.unchanged", "aws_db_instance", ["no-op"]],
        ["aws_db_instance.forgotten", "aws_db_instance", ["forget"]],
        ["aws_db_instance.recreated_and_forgotten", "aws_db_instance", ["create", "forget"]],
        ["data.aws_s3_bucket.read", "aws_s3_bucket", ["read"], "data"],
      ),
    );
    expect(changes).toEqual([
      { address: "aws_s3_bucket.deleted", type: "aws_s3_bucket", action: "delete" },
      { address: "aws_s3_bucket.replaced", type: "aws_s3_bucket", action: "replace" },
      { address: "aws_acm_certificate.create_before_destroy", type: "aws_acm_certificate", action: "replace" },
      { address: "aws_lb_listener_rule.replaced", type: "aws_lb_listener_rule", action: "replace" },
      { address: "aws_db_instance.forgotten", type: "aws_db_instance", action: "forget" },
      { address: "aws_db_instance.recreated_and_forgotten", type: "aws_db_instance", action: "create-forget" },
    ]);
  });

  test("the real create plan destroys nothing", () => {
    expect(destructiveChanges(fixture("aws-dev.create.json"))).toEqual([]);
  });

  test("the zone plan: the zone is deleted and its records replaced", () => {
    const changes = destructiveChanges(fixture("aws-dev.zone-delete.json"));
    expect(changes).toContainEqual({ address: ZONE, type: "aws_route53_zone", action: "delete" });
    expect(changes.filter((change) => change.type === "aws_route53_record" && change.action === "replace")).toHaveLength(4);
    expect(changes).toHaveLength(5);
  });

  test("a plan with nothing to do has no resource_changes, and that is fine", () => {
    expect(destructiveChanges({ format_version: "1.2", planned_values: { root_module: {} }, applyable: false })).toEqual([]);
  });

  test.each([
    ["an array", [], "not a Terraform plan: the JSON is not an object"],
    ["null", null, "not a Terraform plan: the JSON is not an object"],
    ["some other JSON", { name: "web-backend-infra" }, "not a Terraform plan: no resource_changes (expected the output of `terraform show -json <planfile>`)"],
    ["state JSON", { format_version: "1.0", values: { root_module: {} } }, "not a Terraform plan: this is state JSON"],
    ["resource_changes that is not a list", { format_version: "1.2", resource_changes: {} }, "not a Terraform plan: resource_changes is not a list"],
    ["a change without actions", { format_version: "1.2", resource_changes: [{ address: "a.b", type: "a" }] }, "resource_changes[0] has no address, type and change.actions"],
    ["a plan without format_version", { resource_changes: [] }, "format_version is missing, so the plan format is unknown"],
    ["format 2.0", { format_version: "2.0", resource_changes: [] }, 'format_version "2.0" is not supported'],
    ["no resource_changes while prior_state has the database", fixture("aws-dev.no-resource-changes.json"), "resource_changes is missing but prior_state has 1 resource"],
  ])("rejects %s", (_what, input, message) => {
    expect(() => destructiveChanges(input)).toThrow(NotAPlanError);
    expect(() => destructiveChanges(input)).toThrow(message);
  });
});

describe("guardPlan", () => {
  test("the DB replacement is a violation", () => {
    expect(guardPlan(fixture("aws-dev.db-replace.json"))).toEqual({
      violations: [{ address: DATABASE, type: "aws_db_instance", action: "replace" }],
      allowed: [],
    });
  });

  test("the zone deletion is a violation; the replaced records are not", () => {
    expect(guardPlan(fixture("aws-dev.zone-delete.json"))).toEqual({
      violations: [{ address: ZONE, type: "aws_route53_zone", action: "delete" }],
      allowed: [],
    });
  });

  test.each([
    ["forget", "aws-dev.db-forget.json"],
    ["create-forget", "aws-dev.db-create-forget.json"],
  ])("a forgotten database (%s) is a violation, and allowed like a replacement", (action, file) => {
    expect(guardPlan(fixture(file))).toEqual({ violations: [{ address: DATABASE, type: "aws_db_instance", action }], allowed: [] });
    expect(guardPlan(fixture(file), { allow: ["aws_db_instance"] }).allowed).toEqual([
      { address: DATABASE, type: "aws_db_instance", action, allowedBy: "aws_db_instance" },
    ]);
  });

  test("a forgotten stateless resource passes", () => {
    expect(guardPlan(plan(["aws_lb_listener_rule.api", "aws_lb_listener_rule", ["forget"]]))).toEqual({ violations: [], allowed: [] });
  });

  test("a replaced listener rule (stateless) passes, like the create plan", () => {
    expect(guardPlan(fixture("aws-dev.listener-rule-replace.json"))).toEqual({ violations: [], allowed: [] });
    expect(guardPlan(fixture("aws-dev.create.json"))).toEqual({ violations: [], allowed: [] });
  });

  test.each([
    ["the exact address", DATABASE],
    ["the resource type", "aws_db_instance"],
    ["an address prefix", "aws_db_instance.database_*"],
  ])("allows by %s and says which entry matched", (_how, entry) => {
    expect(guardPlan(fixture("aws-dev.db-replace.json"), { allow: [ZONE, entry] })).toEqual({
      violations: [],
      allowed: [{ address: DATABASE, type: "aws_db_instance", action: "replace", allowedBy: entry }],
    });
  });

  test("module prefixes, and entries that do not match", () => {
    const modulePlan = plan(
      ["module.data.aws_s3_bucket.assets", "aws_s3_bucket", ["delete"]],
      ["module.data2.aws_s3_bucket.logs", "aws_s3_bucket", ["delete"]],
      ['module.db["eu"].aws_db_instance.main', "aws_db_instance", ["delete", "create"]],
    );
    const result = guardPlan(modulePlan, { allow: ["module.data.*", "aws_db_instance.main", "aws_db_instance.mai", "aws_s3"] });
    expect(result.allowed).toEqual([{ address: "module.data.aws_s3_bucket.assets", type: "aws_s3_bucket", action: "delete", allowedBy: "module.data.*" }]);
    expect(result.violations.map((violation) => violation.address)).toEqual(['module.data2.aws_s3_bucket.logs', 'module.db["eu"].aws_db_instance.main']);
  });

  test.each([
    ["", "would allow every change"],
    ["*", "would allow every change"],
    ["aws_*.db", "* is only allowed at the end"],
  ])("rejects the allow entry %j", (entry, message) => {
    expect(() => guardPlan(fixture("aws-dev.create.json"), { allow: [entry] })).toThrow(AllowEntryError);
    expect(() => guardPlan(fixture("aws-dev.create.json"), { allow: [entry] })).toThrow(`allow entry ${JSON.stringify(entry)}`);
    expect(() => guardPlan(fixture("aws-dev.create.json"), { allow: [entry] })).toThrow(message);
  });
});

describe("formatGuardResult", () => {
  test("one line per violation, then how to allow it deliberately", () => {
    const text = formatGuardResult(guardPlan(fixture("aws-dev.db-replace.json")), "plans/aws-dev.json");
    expect(text.split("\n")).toEqual([
      `plans/aws-dev.json: ${DATABASE} (aws_db_instance) would be replaced`,
      `  to allow it deliberately: --allow ${DATABASE}, or add { resource: ${DATABASE}, reason: "<why this data may go>" } to dataProtection.allowDestroy in the environment file`,
    ]);
  });

  test("deleted, without a file name", () => {
    expect(formatGuardResult(guardPlan(fixture("aws-dev.zone-delete.json"))).split("\n")[0]).toBe(
      `${ZONE} (aws_route53_zone) would be deleted`,
    );
  });

  test("allowed changes name the entry and its reason", () => {
    const result = guardPlan(fixture("aws-dev.db-replace.json"), { allow: ["aws_db_instance"] });
    expect(formatGuardResult(result, "p.json")).toBe(`p.json: ${DATABASE} (aws_db_instance) would be replaced, allowed by aws_db_instance (--allow)`);
    expect(formatGuardResult(result, "p.json", { aws_db_instance: "dev data is disposable" })).toBe(
      `p.json: ${DATABASE} (aws_db_instance) would be replaced, allowed by aws_db_instance: dev data is disposable`,
    );
  });

  test("forgotten: what happens to the object", () => {
    expect(formatGuardResult(guardPlan(fixture("aws-dev.db-forget.json")), "p.json").split("\n")[0]).toBe(
      `p.json: ${DATABASE} (aws_db_instance) would be forgotten (removed from state, not destroyed: Terraform stops managing it)`,
    );
    expect(formatGuardResult(guardPlan(fixture("aws-dev.db-create-forget.json")), "p.json").split("\n")[0]).toBe(
      `p.json: ${DATABASE} (aws_db_instance) would be forgotten and a new one created (the old one is removed from state, not destroyed: Terraform stops managing it)`,
    );
  });

  test("a clean plan says so", () => {
    expect(formatGuardResult({ violations: [], allowed: [] }, "p.json")).toBe("p.json: no stateful resource would be deleted or replaced");
  });
});
