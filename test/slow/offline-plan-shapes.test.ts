/**
 * Offline terraform plan of every deployment-shape example's AWS stack (examples/<shape>/), like
 * offline-plan.test.ts does for config/: the real provider accepts each shape, and what a shape
 * promises to leave out is absent from the plan. A file of its own so jest plans both in parallel.
 */
import { findOfflineToolchain, planOffline, removeWorkDir } from "../support/offline-terraform";
import { synthScenarioStacks } from "../support/example-stacks";
import { guardPlan } from "../../guard/plan-guard";

const toolchain = findOfflineToolchain();
const scenarios = synthScenarioStacks();
const awsScenarioIds = Object.keys(scenarios).filter((key) => key.includes("/aws-"));
const describeIfToolchain = "missing" in toolchain ? describe.skip : describe;

describeIfToolchain("offline terraform plan of the deployment shapes", () => {
  test("every shape has an AWS stack to plan", () => {
    expect(awsScenarioIds).toHaveLength(6);
  });

  test.each(awsScenarioIds)("deployment shape %s validates and plans", (key) => {
    if ("missing" in toolchain) return;
    const { plan, workDir } = planOffline(scenarios[key].json, toolchain);
    try {
      const changes = plan.resource_changes;
      expect(changes.length).toBeGreaterThan(0);
      expect(changes.every((change: any) => change.change.actions.join() === "create")).toBe(true);
      const types = new Set(changes.map((change: any) => change.type));
      expect(types).toContain("aws_lb");
      expect(types).toContain("aws_autoscaling_group");
      expect(guardPlan(plan)).toEqual({ violations: [], allowed: [] });
      // What each shape promises to leave out, as the real provider plans it.
      const absent: Record<string, string[]> = {
        "no-database/aws-dev": ["aws_db_instance"],
        "http-only/aws-dev": ["aws_acm_certificate", "aws_route53_zone"],
        "external-dns/aws-prod": ["aws_route53_zone", "aws_route53_record"],
        "existing-network/aws-prod": ["aws_vpc", "aws_subnet", "aws_nat_gateway"],
        "nat-less/aws-dev": ["aws_nat_gateway", "aws_eip"],
        "routing/aws-dev": [],
      };
      for (const type of absent[key]) expect(types).not.toContain(type);
    } finally {
      removeWorkDir(workDir);
    }
  }, 120_000);
});
