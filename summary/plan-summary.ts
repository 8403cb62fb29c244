/**
 * Markdown summary of one or more `terraform show -json` plans, for a pull-request comment:
 * stateful resources at risk first (the guard's rules), then per stack the counts and a table
 * of changed resources with the attributes that change. Sensitive values are never printed.
 */
import { GuardViolation, guardPlan } from "../guard/plan-guard";
import { PlanAction, resourceChanges } from "../plan/plan-json";

export interface StackPlan {
  /** Stack id shown in the report, e.g. "aws-prod". */
  readonly stack: string;
  readonly plan: any;
}

export type SummaryAction = "add" | "change" | "replace" | "destroy";

export interface ResourceSummary {
  readonly address: string;
  readonly action: SummaryAction;
  /** `attribute: before → after`, masked when sensitive; empty for add/destroy. */
  readonly changes: string[];
}

const ACTION_ORDER: SummaryAction[] = ["destroy", "replace", "change", "add"];
const MAX_VALUE_LENGTH = 60;
const SENSITIVE = "(sensitive)";
const UNKNOWN = "(known after apply)";

// Terraform's own words in `terraform plan` output; no-op, read and forget change nothing.
const SUMMARY_ACTIONS: Partial<Record<PlanAction, SummaryAction>> = {
  create: "add",
  update: "change",
  replace: "replace",
  delete: "destroy",
};

/** The changed resources of a plan; no-op and read changes are left out. */
export function summarizeChanges(plan: any): ResourceSummary[] {
  const summaries: ResourceSummary[] = [];
  for (const change of resourceChanges(plan)) {
    if (change.mode === "data") continue;
    const action = SUMMARY_ACTIONS[change.action];
    if (!action) continue;
    const changes = action === "change" || action === "replace" ? changedAttributes(change.change) : [];
    summaries.push({ address: change.address, action, changes });
  }
  return summaries.sort(
    (a, b) => ACTION_ORDER.indexOf(a.action) - ACTION_ORDER.indexOf(b.action) || a.address.localeCompare(b.address),
  );
}

export function formatSummary(plans: StackPlan[]): string {
  const lines = ["# Plan summary", ""];
  const atRisk = plans.flatMap(({ stack, plan }) => {
    const { violations, allowed } = guardPlan(plan);
    return [...violations, ...allowed].map((risk): [string, GuardViolation] => [stack, risk]);
  });
  if (atRisk.length > 0) {
    lines.push("> [!CAUTION]", "> **Stateful resources would be destroyed or replaced** (data loss unless restored from a backup):");
    for (const [stack, risk] of atRisk) {
      lines.push(`> - \`${stack}\`: \`${risk.address}\` would be **${risk.action === "delete" ? "destroyed" : "replaced"}**`);
    }
    lines.push(">", "> `npm run guard` refuses these unless `dataProtection.allowDestroy` in the environment file allows them.", "");
  }

  for (const { stack, plan } of plans) {
    const resources = summarizeChanges(plan);
    const count = (action: SummaryAction) => resources.filter((resource) => resource.action === action).length;
    lines.push(`## ${stack}`, "");
    lines.push(`**${count("add")} to add, ${count("change")} to change, ${count("replace")} to replace, ${count("destroy")} to destroy**`, "");
    if (resources.length === 0) {
      lines.push("No changes.", "");
      continue;
    }
    lines.push("| resource | action | changes |", "|---|---|---|");
    for (const resource of resources) {
      const changes = resource.changes.map((change) => escapeCell(change)).join("<br/>");
      lines.push(`| \`${escapeCell(resource.address)}\` | ${resource.action} | ${changes} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

/** Top-level attributes whose value differs, `name: before → after`, with replacement causes marked. */
function changedAttributes(change: any): string[] {
  const before = change.before ?? {};
  const after = change.after ?? {};
  const afterUnknown = change.after_unknown ?? {};
  // Sensitivity markers mirror the value's shape; any `true` inside masks the whole attribute.
  const sensitive = (key: string) => marksSensitive(change.before_sensitive?.[key]) || marksSensitive(change.after_sensitive?.[key]);
  const forcing = new Set((change.replace_paths ?? []).map((path: unknown[]) => String(path[0])));
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(afterUnknown)])].sort();
  const result: string[] = [];
  for (const key of keys) {
    const unknown = afterUnknown[key] === true;
    if (!unknown && JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    // Computed attributes that only become unknown (ids, ARNs) are noise unless they force replacement.
    if (unknown && before[key] !== undefined && !forcing.has(key) && !(key in after)) continue;
    const from = sensitive(key) ? SENSITIVE : formatValue(before[key]);
    const to = sensitive(key) ? SENSITIVE : unknown ? UNKNOWN : formatValue(after[key]);
    result.push(`\`${key}\`: ${from} → ${to}${forcing.has(key) ? " (forces replacement)" : ""}`);
  }
  return result;
}

function marksSensitive(marker: unknown): boolean {
  if (marker === true) return true;
  if (marker !== null && typeof marker === "object") return Object.values(marker).some(marksSensitive);
  return false;
}

function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "null";
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
