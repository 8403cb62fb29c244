/**
 * Reading `terraform show -json <planfile>` output, for every tool that judges a plan (guard,
 * summary): which file is a plan at all, and what each resource change does. One reader so that
 * the guard and the pull-request summary can never disagree about what a plan deletes.
 * No cdktf and no provider bindings: this runs on every CI plan.
 */
import { firstLine, InputError, readText } from "../lib/cli-io";
import { counted } from "../lib/text";

/** Input that is not the JSON of a saved Terraform plan. */
export class NotAPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotAPlanError";
  }
}

export const EXPECTED_INPUT = "expected the output of `terraform show -json <planfile>`";

/**
 * The plan format majors this reader understands. Terraform keeps minor versions of the JSON
 * output backward compatible and says consumers should reject a major they do not know
 * (https://developer.hashicorp.com/terraform/internals/json-format, checked 2026-12-01).
 */
const SUPPORTED_FORMAT = /^1(\.\d+)*$/;

/**
 * What one resource change does. Terraform writes replacements as ["delete","create"] (the
 * default) or ["create","delete"] (create_before_destroy), and `removed` blocks with
 * destroy = false as "forget", which only drops the resource from state: the object lives on
 * but Terraform no longer manages it. ["create","forget"] ("create-forget") creates a new object
 * and forgets the old one.
 */
export type PlanAction = "create" | "update" | "replace" | "delete" | "read" | "forget" | "create-forget" | "no-op";

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
  // Before create and update: losing track of an object matters more than what else happens.
  if (actions.includes("forget")) return actions.includes("create") ? "create-forget" : "forget";
  if (actions.includes("create")) return "create";
  if (actions.includes("update")) return "update";
  if (actions.includes("read")) return "read";
  return "no-op";
}

/**
 * Every resource change of a plan, in plan order, or NotAPlanError saying what the JSON is
 * instead. Fails closed: a plan whose format major is unknown, or that has resources but no
 * `resource_changes` (a trimmed or hand-edited file), is refused rather than read as "no changes".
 * Terraform omits `resource_changes` only when neither the configuration nor the state has a
 * resource, so a plan with resource-less `planned_values` and no `resource_changes` is empty.
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
  const plannedValues = isObject(plan.planned_values) ? plan.planned_values : undefined;
  if (plan.resource_changes === undefined && plannedValues === undefined && plan.prior_state === undefined) {
    if (typeof plan.format_version === "string" && plan.values !== undefined) {
      throw new NotAPlanError(
        `not a Terraform plan: this is state JSON (\`terraform show -json\` without a plan file); ${EXPECTED_INPUT}`,
      );
    }
    throw new NotAPlanError(`not a Terraform plan: no resource_changes (${EXPECTED_INPUT})`);
  }
  if (plan.format_version === undefined) {
    throw new NotAPlanError(`format_version is missing, so the plan format is unknown (${EXPECTED_INPUT}, format 1.x)`);
  }
  if (typeof plan.format_version !== "string" || !SUPPORTED_FORMAT.test(plan.format_version)) {
    throw new NotAPlanError(
      `format_version ${JSON.stringify(plan.format_version)} is not supported (this reader understands 1.x; ` +
        "a newer Terraform may have changed the format: https://developer.hashicorp.com/terraform/internals/json-format)",
    );
  }
  if (Array.isArray(plan.resource_changes)) return plan.resource_changes;
  if (plan.resource_changes !== undefined) {
    throw new NotAPlanError(`not a Terraform plan: resource_changes is not a list (${EXPECTED_INPUT})`);
  }
  for (const [field, module] of [
    ["planned_values", plannedValues?.root_module],
    ["prior_state", plan.prior_state?.values?.root_module],
  ] as const) {
    const addresses = resourceAddresses(module);
    if (addresses.length > 0) {
      throw new NotAPlanError(
        `resource_changes is missing but ${field} has ${counted(addresses.length, "resource")} (${addresses[0]}${addresses.length > 1 ? ", …" : ""}): ` +
          `cannot tell what would change (${EXPECTED_INPUT}, untrimmed)`,
      );
    }
  }
  if (plannedValues !== undefined) return [];
  throw new NotAPlanError(`not a Terraform plan: no resource_changes (${EXPECTED_INPUT})`);
}

function isObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Addresses of the resources of a `root_module` value and its child modules, in file order. */
function resourceAddresses(module: any): string[] {
  if (!isObject(module)) return [];
  const own = Array.isArray(module.resources) ? module.resources : [];
  const children = Array.isArray(module.child_modules) ? module.child_modules : [];
  return [
    ...own.map((resource: any) => (typeof resource?.address === "string" ? resource.address : "(a resource without address)")),
    ...children.flatMap(resourceAddresses),
  ];
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
