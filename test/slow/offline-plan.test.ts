/**
 * terraform validate + plan of every AWS example stack against the real hashicorp/aws provider
 * from the machine's local mirror, sealed off from the network (see support/offline-terraform).
 * Where terraform or the mirror is missing the tests are skipped LOUDLY with the reason.
 */
import { findOfflineToolchain, planOffline, removeWorkDir } from "../support/offline-terraform";
import { synthExampleStacks } from "../support/example-stacks";
import { guardPlan } from "../../guard/plan-guard";
import { formatSummary } from "../../summary/plan-summary";

const toolchain = findOfflineToolchain();
const stacks = synthExampleStacks();
const awsStackIds = Object.keys(stacks).filter((id) => id.startsWith("aws-"));

if ("missing" in toolchain) {
  const banner = `OFFLINE TERRAFORM PLAN SKIPPED: ${toolchain.missing}. The AWS stacks were NOT checked against the real provider.`;
  process.stderr.write(`\n${"!".repeat(banner.length)}\n${banner}\n${"!".repeat(banner.length)}\n`);
}

const describeIfToolchain = "missing" in toolchain ? describe.skip : describe;

describeIfToolchain("offline terraform plan against the mirrored hashicorp/aws provider", () => {
  test("there are AWS stacks to plan", () => {
    expect(awsStackIds).toEqual(["aws-dev", "aws-prod"]);
  });

  test.each(awsStackIds)("%s validates and plans", (id) => {
    if ("missing" in toolchain) return;
    const { plan, workDir } = planOffline(stacks[id].json, toolchain);
    try {
      const created = plan.resource_changes.filter((change: any) => change.change.actions.includes("create"));
      const types = new Set(created.map((change: any) => change.type));
      for (const type of ["aws_vpc", "aws_nat_gateway", "aws_lb", "aws_lb_listener", "aws_acm_certificate_validation", "aws_autoscaling_group", "aws_db_instance", "aws_route53_record"]) {
        expect(types).toContain(type);
      }
      // A plan that creates resources only; nothing to change or destroy in an empty state.
      expect(plan.resource_changes.every((change: any) => change.change.actions.join() === "create")).toBe(true);
      const database = created.find((change: any) => change.type === "aws_db_instance");
      expect(database.change.after).toMatchObject({ storage_encrypted: true, publicly_accessible: false, manage_master_user_password: true });
      expect(database.change.after.password ?? null).toBeNull();
      // The review tools read this real plan: nothing at risk on a first deploy, every resource summarized.
      expect(guardPlan(plan)).toEqual({ violations: [], allowed: [] });
      expect(formatSummary([{ stack: id, plan }])).toContain(`**${created.length} to add, 0 to change, 0 to replace, 0 to destroy**`);
    } finally {
      removeWorkDir(workDir);
    }
  }, 120_000);
});
