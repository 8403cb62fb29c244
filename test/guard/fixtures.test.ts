/**
 * Where the plan fixtures of test/fixtures/plans come from, as code that checks them.
 *
 * aws-dev.create.json: a real `terraform show -json` of the aws-dev example stack, planned offline
 * against the mirrored hashicorp/aws provider on an empty state (every action is "create").
 * Kept: format_version, terraform_version, resource_changes, output_changes, timestamp,
 * applyable, complete, errored. Dropped to keep it small: planned_values, prior_state,
 * configuration, relevant_attributes (nothing here reads them).
 *
 * The others are derived from it by the functions below. First the steady state after that
 * plan was applied: every change becomes "no-op" with before = after, where values Terraform
 * only knew after apply are filled with the placeholder "fixture-<attribute>". Then one edit:
 * - aws-dev.db-replace.json: the DB instance is replaced because storage_encrypted goes false →
 *   true (ForceNew; the shape, action_reason and replace_paths match a real plan of that change
 *   with the 5.100 provider. engine_version would not do: it is updated in place);
 * - aws-dev.zone-delete.json: the environment switched to an existing hosted zone: the managed
 *   Route 53 zone is deleted (no longer in the configuration) and every record is replaced
 *   because its zone_id changes (ForceNew);
 * - aws-dev.listener-rule-replace.json: `terraform plan -replace=<api listener rule>`: only a
 *   stateless resource is replaced.
 *
 * Hand-written, small, for what a real plan of this stack cannot show (no terraform run makes them):
 * - aws-dev.db-forget.json: the DB instance ["forget"] (a `removed` block with destroy = false);
 * - aws-dev.db-create-forget.json: the DB instance ["create","forget"] (replaced while its
 *   lifecycle says destroy = false: a new one is created, the old one only leaves the state);
 * - aws-dev.no-resource-changes.json: resource_changes dropped while prior_state still holds the
 *   DB instance (a trimmed plan the plan tools must refuse);
 * - aws-dev.format-2.json: format_version "2.0", a major the plan tools do not know.
 *
 * GUARD_UPDATE_FIXTURES=1 npx jest test/guard/fixtures.test.ts rewrites the derived files, and
 * the create plan too where terraform and the provider mirror are available.
 */
import * as fs from "fs";
import * as path from "path";

const FIXTURES = path.join(__dirname, "..", "fixtures", "plans");
const UPDATE = process.env.GUARD_UPDATE_FIXTURES === "1";
const EXISTING_ZONE_ID = "Z0123456789EXISTINGZONE";

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

function trimmed(plan: any): any {
  const kept = { ...plan };
  for (const key of ["planned_values", "prior_state", "configuration", "relevant_attributes"]) delete kept[key];
  return kept;
}

/** `after` with every value marked unknown in `unknown` replaced by a placeholder. */
function filled(after: any, unknown: any, attribute = "value"): any {
  if (unknown === true) return `fixture-${attribute}`;
  if (Array.isArray(unknown)) {
    const values = Array.isArray(after) ? after : [];
    return unknown.map((marker, index) => filled(values[index], marker, attribute));
  }
  if (unknown !== null && typeof unknown === "object") {
    const result = { ...(after ?? {}) };
    for (const [key, marker] of Object.entries(unknown)) result[key] = filled(result[key], marker, key);
    return result;
  }
  return after;
}

function steadyState(createPlan: any): any {
  const plan = clone(createPlan);
  for (const change of plan.resource_changes) {
    const values = filled(change.change.after, change.change.after_unknown);
    change.change = {
      actions: ["no-op"],
      before: values,
      after: clone(values),
      after_unknown: {},
      before_sensitive: change.change.after_sensitive,
      after_sensitive: change.change.after_sensitive,
    };
  }
  for (const [name, output] of Object.entries<any>(plan.output_changes ?? {})) {
    const value = output.after_unknown === true ? `fixture-${name}` : output.after;
    plan.output_changes[name] = { ...output, actions: ["no-op"], before: value, after: clone(value), after_unknown: false };
  }
  return plan;
}

function findChange(plan: any, predicate: (change: any) => boolean): any {
  const found = plan.resource_changes.find(predicate);
  if (!found) throw new Error("fixture base plan lacks an expected resource");
  return found;
}

function replaced(steady: any, created: any, replacePaths?: string[][]): any {
  return {
    actions: ["delete", "create"],
    before: steady.change.before,
    after: created.change.after,
    after_unknown: created.change.after_unknown,
    before_sensitive: steady.change.before_sensitive,
    after_sensitive: created.change.after_sensitive,
    ...(replacePaths ? { replace_paths: replacePaths } : {}),
  };
}

function withChange(createPlan: any, edit: (plan: any, created: (address: string) => any) => void): any {
  const plan = steadyState(createPlan);
  const created = (address: string) => clone(findChange(createPlan, (change) => change.address === address));
  edit(plan, created);
  return plan;
}

function databaseReplaced(createPlan: any): any {
  return withChange(createPlan, (plan, created) => {
    const database = findChange(plan, (change) => change.type === "aws_db_instance");
    database.change.before.storage_encrypted = false;
    database.change = replaced(database, created(database.address), [["storage_encrypted"]]);
    database.action_reason = "replace_because_cannot_update";
  });
}

function zoneDeleted(createPlan: any): any {
  return withChange(createPlan, (plan, created) => {
    const zone = findChange(plan, (change) => change.type === "aws_route53_zone");
    zone.change = {
      actions: ["delete"],
      before: zone.change.before,
      after: null,
      after_unknown: {},
      before_sensitive: zone.change.before_sensitive,
      after_sensitive: false,
    };
    zone.action_reason = "delete_because_no_resource_config";
    for (const record of plan.resource_changes.filter((change: any) => change.type === "aws_route53_record")) {
      const next = created(record.address);
      next.change.after.zone_id = EXISTING_ZONE_ID;
      delete next.change.after_unknown.zone_id;
      record.change = replaced(record, next, [["zone_id"]]);
      record.action_reason = "replace_because_cannot_update";
    }
  });
}

function listenerRuleReplaced(createPlan: any): any {
  return withChange(createPlan, (plan, created) => {
    const rule = findChange(plan, (change) => change.type === "aws_lb_listener_rule" && change.address.includes("rule-api-"));
    rule.change = replaced(rule, created(rule.address));
    rule.action_reason = "replace_by_request";
  });
}

const DERIVED: Record<string, (createPlan: any) => any> = {
  "aws-dev.db-replace.json": databaseReplaced,
  "aws-dev.zone-delete.json": zoneDeleted,
  "aws-dev.listener-rule-replace.json": listenerRuleReplaced,
};

const readFixture = (file: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8"));

if (UPDATE) {
  test("rewrite the plan fixtures", async () => {
    // Loaded only here: the stack and the offline plan cost seconds that the checks below do not need.
    const { findOfflineToolchain, planOffline, removeWorkDir } = await import("../support/offline-terraform");
    const { synthExampleStacks } = await import("../support/example-stacks");
    const toolchain = findOfflineToolchain();
    if (!("missing" in toolchain)) {
      const { plan, workDir } = planOffline(synthExampleStacks()["aws-dev"].json, toolchain);
      removeWorkDir(workDir);
      fs.writeFileSync(path.join(FIXTURES, "aws-dev.create.json"), `${JSON.stringify(trimmed(plan))}\n`);
    }
    const createPlan = readFixture("aws-dev.create.json");
    for (const [file, derive] of Object.entries(DERIVED)) {
      fs.writeFileSync(path.join(FIXTURES, file), `${JSON.stringify(derive(createPlan))}\n`);
    }
  }, 300_000);
}

describe("plan fixtures", () => {
  let createPlan: any;
  beforeAll(() => {
    createPlan = readFixture("aws-dev.create.json");
  });

  test("the create plan is a real, trimmed terraform plan of aws-dev: creates only", () => {
    expect(createPlan.format_version).toMatch(/^1\./);
    expect(createPlan.terraform_version).toMatch(/^1\./);
    expect(Object.keys(createPlan)).not.toEqual(expect.arrayContaining(["planned_values"]));
    expect(createPlan.resource_changes.length).toBeGreaterThan(50);
    expect(new Set(createPlan.resource_changes.map((change: any) => change.change.actions.join()))).toEqual(new Set(["create"]));
    const types = new Set(createPlan.resource_changes.map((change: any) => change.type));
    for (const type of ["aws_db_instance", "aws_route53_zone", "aws_route53_record", "aws_lb_listener_rule", "aws_acm_certificate"]) {
      expect(types).toContain(type);
    }
  });

  test.each(Object.keys(DERIVED))("%s is the documented transformation of the create plan", (file) => {
    expect(readFixture(file)).toEqual(DERIVED[file](createPlan));
  });

  test("each derived plan changes only what its scenario says", () => {
    const changed = (file: string) =>
      readFixture(file)
        .resource_changes.filter((change: any) => change.change.actions.join() !== "no-op")
        .map((change: any) => [change.type, change.change.actions.join(), change.action_reason]);
    expect(changed("aws-dev.db-replace.json")).toEqual([["aws_db_instance", "delete,create", "replace_because_cannot_update"]]);
    expect(changed("aws-dev.listener-rule-replace.json")).toEqual([["aws_lb_listener_rule", "delete,create", "replace_by_request"]]);
    expect(changed("aws-dev.zone-delete.json")).toEqual([
      ...Array(4).fill(["aws_route53_record", "delete,create", "replace_because_cannot_update"]),
      ["aws_route53_zone", "delete", "delete_because_no_resource_config"],
    ]);
    const database = readFixture("aws-dev.db-replace.json").resource_changes.find((change: any) => change.type === "aws_db_instance");
    expect(database.change.replace_paths).toEqual([["storage_encrypted"]]);
    expect([database.change.before.storage_encrypted, database.change.after.storage_encrypted]).toEqual([false, true]);
  });
});
