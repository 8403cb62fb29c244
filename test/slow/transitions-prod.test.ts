/**
 * Day-2 changes to config/prod.yaml against the deployed prod stack (see transitions-dev.test.ts):
 * the database changes and a stage change, where the data-protection guard matters most.
 */
import { guardPlan } from "../../guard/plan-guard";
import { actionsByAddress, actionsByType, changeOf, deployed, describeDay2, forgetDeployments, planEdit } from "../support/day2";

const SLOW = 180_000;

describeDay2("prod transitions")("day-2 changes to the deployed prod stack", () => {
  afterAll(forgetDeployments);

  test("a bigger database size is an in-place update of the instance", () => {
    const plan = planEdit("prod", (spec) => (spec.database!.size = "large"));
    expect(actionsByType(plan)).toEqual({ "aws_db_instance update": 1 });
    const database = changeOf(plan, "aws_db_instance");
    expect(database.after.instance_class).not.toBe(database.before.instance_class);
    expect(guardPlan(plan)).toEqual({ violations: [], allowed: [] });
  }, SLOW);

  test("turning production into development updates in place and destroys nothing", () => {
    const plan = planEdit("prod", (spec) => (spec.stage = "development"));
    expect(Object.values(actionsByAddress(plan)).every((actions) => actions === "update")).toBe(true);
    expect(changeOf(plan, "aws_db_instance").after.deletion_protection).toBe(false);
    expect(guardPlan(plan)).toEqual({ violations: [], allowed: [] });
  }, SLOW);

  // Deployed on MySQL 8.0, then the file says 8.4 (what config/ did in issue 11).
  test("MySQL 8.0 -> 8.4: a new parameter group before the old goes, the instance upgraded in place at once", () => {
    const on80 = deployed("prod", (spec) => (spec.database!.version = "8.0"), "prod-mysql8.0");
    const plan = planEdit("prod", (spec) => (spec.database!.version = "8.4"), on80);
    expect(actionsByType(plan)).toEqual({ "aws_db_parameter_group create,delete": 1, "aws_db_instance update": 1 });
    const group = changeOf(plan, "aws_db_parameter_group");
    expect([group.before.family, group.after.family]).toEqual(["mysql8.0", "mysql8.4"]);
    // A new name, so the new group can exist next to the old one that is still attached.
    expect(group.after.name).not.toBe(group.before.name);
    const database = changeOf(plan, "aws_db_instance");
    expect([database.before.engine_version, database.after.engine_version]).toEqual(["8.0", "8.4"]);
    expect(database.after).toMatchObject({ apply_immediately: true, allow_major_version_upgrade: true, parameter_group_name: group.after.name });
    expect(guardPlan(plan)).toEqual({ violations: [], allowed: [] });
  }, SLOW);
});
