/**
 * Day-2 changes to config/dev.yaml, planned by the real aws provider against the stack as
 * deployed (a fabricated, settled state; see test/support/deployed-state.ts). Each test edits the
 * loaded environment in code and pins what an apply would update, replace (and in which order)
 * or delete, and that the data-protection guard finds nothing stateful at risk where none should be.
 */
import { EnvironmentSpec } from "../../environment/schema";
import { guardPlan } from "../../guard/plan-guard";
import { actionsByAddress, actionsByType, changeOf, deployed, describeDay2, forgetDeployments, planEdit } from "../support/day2";

const SLOW = 180_000;
/** Actions other than create and in-place update: what an apply would delete or replace. */
const destructive = (plan: any) => Object.entries(actionsByAddress(plan)).filter(([, actions]) => actions.includes("delete"));

describeDay2("dev transitions")("day-2 changes to the deployed dev stack", () => {
  beforeAll(() => deployed("dev"), SLOW);
  afterAll(forgetDeployments);

  test("adding an availability zone adds its subnets and routes, and replaces or renumbers nothing", () => {
    const plan = planEdit("dev", (spec) => spec.aws!.availabilityZones.push("eu-west-1c"));
    expect(destructive(plan)).toEqual([]);
    const byType = actionsByType(plan);
    expect(byType).toMatchObject({ "aws_subnet create": 3, "aws_route_table_association create": 3 });
    // Existing subnets keep their CIDRs: no subnet is updated, only joined by the new zone's.
    expect(Object.keys(byType).filter((key) => key.startsWith("aws_subnet ") && key !== "aws_subnet create")).toEqual([]);
    for (const change of plan.resource_changes.filter((c: any) => c.type === "aws_subnet" && c.change.actions.join() === "create")) {
      expect(change.change.after.availability_zone).toBe("eu-west-1c");
    }
    expect(guardPlan(plan).violations).toEqual([]);
  }, SLOW);

  test("changing a service port replaces its target group create-before-destroy, nothing else", () => {
    const plan = planEdit("dev", (spec) => {
      spec.services[0].port = 3001;
      spec.services[0].env = { ...spec.services[0].env, WHOAMI_PORT_NUMBER: "3001" };
    });
    expect(destructive(plan)).toEqual([[expect.stringMatching(/^aws_lb_target_group\..*api/), "create,delete"]]);
    expect(changeOf(plan, "aws_lb_target_group", "api").after.port).toBe(3001);
    expect(actionsByType(plan)).toMatchObject({ "aws_launch_template update": 1, "aws_lb_listener_rule update": 1 });
    expect(guardPlan(plan).violations).toEqual([]);
  }, SLOW);

  test("changing hostnames replaces the certificate create-before-destroy and its validation records", () => {
    const plan = planEdit("dev", (spec) => (spec.services[0].hostnames = ["api2.dev.example.com"]));
    const actions = actionsByAddress(plan);
    const certificate = Object.keys(actions).find((address) => address.startsWith("aws_acm_certificate."))!;
    expect(actions[certificate]).toBe("create,delete");
    expect(actions[Object.keys(actions).find((address) => address.startsWith("aws_acm_certificate_validation."))!]).toBe("delete,create");
    expect(actionsByType(plan)).toMatchObject({ "aws_route53_record create": 2, "aws_lb_listener update": 1 });
    // Only the certificate is stateful: the guard asks for it to be allowed, and for nothing else.
    expect(guardPlan(plan).violations).toEqual([{ address: certificate, type: "aws_acm_certificate", action: "replace" }]);
    expect(Object.keys(actionsByType(plan)).filter((key) => /^aws_(db|route53_zone)/.test(key))).toEqual([]);
  }, SLOW);

  // The group's update is its launch_template.version following the template's latest_version.
  test.each([
    ["a bigger instance size", "instance_type", (spec: EnvironmentSpec) => (spec.services[0].size = "medium")],
    ["a new image tag", "user_data", (spec: EnvironmentSpec) => (spec.services[0].image = "traefik/whoami:v1.10.4")],
  ])("%s updates the launch template (and the group to its new version) only", (_, attribute, edit) => {
    const plan = planEdit("dev", edit);
    expect(actionsByType(plan)).toEqual({ "aws_launch_template update": 1, "aws_autoscaling_group update": 1 });
    const template = changeOf(plan, "aws_launch_template", "api");
    expect(template.after[attribute]).not.toBe(template.before[attribute]);
  }, SLOW);

  test("adding a service creates its resources; the shared certificate is replaced create-before-destroy", () => {
    const plan = planEdit("dev", (spec) => spec.services.push({ ...structuredClone(spec.services[2]), name: "admin", hostnames: ["admin.dev.example.com"] }));
    const byType = actionsByType(plan);
    expect(byType).toMatchObject({ "aws_autoscaling_group create": 1, "aws_lb_target_group create": 1, "aws_launch_template create": 1, "aws_lb_listener_rule create": 1 });
    // One certificate lists every hostname, so a new hostname replaces it (found here, see the report).
    const deleted = destructive(plan).map(([address, actions]) => `${address.split(".")[0]} ${actions}`);
    expect(new Set(deleted)).toEqual(new Set(["aws_acm_certificate create,delete", "aws_acm_certificate_validation delete,create", "aws_route53_record delete,create"]));
    expect(guardPlan(plan).violations.map((violation) => violation.type)).toEqual(["aws_acm_certificate"]);
  }, SLOW);

  test("removing a service deletes its resources only; the database and zone are untouched", () => {
    const plan = planEdit("dev", (spec) => spec.services.splice(1, 1));
    const deleted = destructive(plan).filter(([, actions]) => actions === "delete").map(([address]) => address);
    expect(deleted.length).toBeGreaterThan(10);
    for (const address of deleted) expect(address).toMatch(/chat|client-2/);
    expect(Object.keys(actionsByType(plan)).filter((key) => /^aws_(db_|route53_zone)/.test(key))).toEqual([]);
    expect(guardPlan(plan).violations.map((violation) => violation.type)).toEqual(["aws_acm_certificate"]);
  }, SLOW);

  test("starting a canary adds its group and target group, weights the rule, and replaces nothing", () => {
    const plan = planEdit("dev", (spec) => (spec.services[0].release = { strategy: "canary", canary: { image: "traefik/whoami:v1.10.4", percent: 10 } }));
    expect(destructive(plan)).toEqual([]);
    expect(actionsByType(plan)).toMatchObject({ "aws_autoscaling_group create": 1, "aws_lb_target_group create": 1, "aws_lb_listener_rule update": 1 });
    expect(Object.keys(actionsByType(plan)).filter((key) => key.endsWith(" update"))).toEqual(["aws_lb_listener_rule update"]);
    expect(guardPlan(plan)).toEqual({ violations: [], allowed: [] });
  }, SLOW);
});
