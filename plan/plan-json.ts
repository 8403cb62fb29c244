/**
 * Reading `terraform show -json <planfile>` output, for every tool that judges a plan (guard,
 * summary): which file is a plan at all, and what each resource change does. One reader so that
 * the guard and the pull-request summary can never disagree about what a plan deletes.
 * No cdktf and no provider bindings: this runs on every CI plan.
 */
import { firstLine, InputError, readText } from "../lib/cli-io";

/** Input that is not the JSON of a saved Terraform plan. */
export class NotAPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotAPlanError";
  }
}

export const EXPECTED_INPUT = "expected the output of `terraform show -json <planfile>`";

/**
 * What one resource change does. Terraform writes replacements as ["delete","create"] (the
 * default) or ["create","delete"] (create_before_destroy), and `removed` blocks with
 * destroy = false as "forget", which only drops the resource from state.
 */
export type PlanAction = "create" | "update" | "replace" | "delete" | "read" | "forget" | "no-op";

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  /** "managed" or "data"; data sources are read, never destroyed. */
  readonly mode: string;
  readonly action: PlanAction;
  /** The raw `change` object: before/after values, sensitivity and replace_paths. */
  readonly change: any;
}

/**
 * Classifies by what the list contains rather than by exact match, so that an action list
 * Terraform might add later still counts as destructive when it deletes something.
 */
export function classifyActions(actions: readonly string[]): PlanAction {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.includes("delete")) return "delete";
  if (actions.includes("create")) return "create";
  if (actions.includes("update")) return "update";
  if (actions.includes("read")) return "read";
  if (actions.includes("forget")) return "forget";
  return "no-op";
}

/**
 * Every resource change of a plan, in plan order, or NotAPlanError saying what the JSON is
 * instead. Terraform omits `resource_changes` when nothing is in the configuration or the
 * state, so a plan with `planned_values` and no `resource_changes` is empty, not an error.
 */
export function resourceChanges(plan: any): ResourceChange[] {
  return resourceChangesOf(plan).map((change: any, index: number) => {
    const actions = change?.change?.actions;
    if (typeof change?.address !== "string" || typeof change?.type !== "string" || !Array.isArray(actions)) {
      throw new NotAPlanError(`resource_changes[${index}] has no address, type and change.actions (${EXPECTED_INPUT})`);
    }
    return { address: change.address, type: change.type, mode: change.mode, action: classifyActions(actions), change: change.change };
  });
}

function resourceChangesOf(plan: any): any[] {
  if (plan === null || typeof plan !== "object" || Array.isArray(plan)) {
    throw new NotAPlanError(`not a Terraform plan: the JSON is not an object (${EXPECTED_INPUT})`);
  }
  if (Array.isArray(plan.resource_changes)) return plan.resource_changes;
  if (plan.resource_changes !== undefined) {
    throw new NotAPlanError(`not a Terraform plan: resource_changes is not a list (${EXPECTED_INPUT})`);
  }
  if (typeof plan.format_version === "string" && plan.planned_values !== null && typeof plan.planned_values === "object") {
    return [];
  }
  if (typeof plan.format_version === "string" && plan.values !== undefined) {
    throw new NotAPlanError(
      `not a Terraform plan: this is state JSON (\`terraform show -json\` without a plan file); ${EXPECTED_INPUT}`,
    );
  }
  throw new NotAPlanError(`not a Terraform plan: no resource_changes (${EXPECTED_INPUT})`);
}

/**
 * The plan JSON in `file`, checked to be a plan; every problem is an InputError naming the file,
 * so a tool can report it before printing anything else.
 */
export function readPlanFile(file: string): unknown {
  const text = readText(file);
  // A binary plan is a zip archive; people pass it by mistake more often than anything else.
  if (text.startsWith("PK\u0003\u0004")) {
    throw new InputError(`${file}: this is a binary plan file; convert it first: terraform show -json ${file} > plan.json`);
  }
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${firstLine(error)}); ${EXPECTED_INPUT}`);
  }
  try {
    resourceChanges(plan);
  } catch (error) {
    if (error instanceof NotAPlanError) throw new InputError(`${file}: ${error.message}`);
    throw error;
  }
  return plan;
}
