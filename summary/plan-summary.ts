/**
 * Markdown summary of one or more `terraform show -json` plans, for a pull-request comment:
 * stateful resources at risk first (the guard's rules), then per stack the counts and a table
 * of changed resources with the attributes that change. Sensitive values are never printed.
 */
import { GuardViolation, guardPlan, isForget } from "../guard/plan-guard";
import { PlanAction, resourceChanges } from "../plan/plan-json";

export interface StackPlan {
  /** Stack id shown in the report, e.g. "aws-prod". */
  readonly stack: string;
  readonly plan: any;
}

/**
 * "forget": dropped from state, not destroyed; "create-forget": a new object is created and the
 * old one forgotten. Neither counts as an add: what matters is the object Terraform lets go of.
 */
export type SummaryAction = "add" | "change" | "replace" | "destroy" | "forget" | "create-forget";

export interface ResourceSummary {
  readonly address: string;
  readonly action: SummaryAction;
  /** `attribute: before → after`, masked when sensitive; empty for add/destroy. */
  readonly changes: string[];
}

const ACTION_ORDER: SummaryAction[] = ["destroy", "replace", "create-forget", "forget", "change", "add"];
const ACTION_LABELS: Record<SummaryAction, string> = {
  add: "add",
  change: "change",
  replace: "replace",
  destroy: "destroy",
  forget: "forget (removed from state, not destroyed)",
  "create-forget": "create, and forget the old one (removed from state, not destroyed)",
};
const MAX_VALUE_LENGTH = 60;
const SENSITIVE = "(sensitive)";
const UNKNOWN = "(known after apply)";

// Terraform's own words in `terraform plan` output; no-op and read change nothing.
const SUMMARY_ACTIONS: Partial<Record<PlanAction, SummaryAction>> = {
  create: "add",
  update: "change",
  replace: "replace",
  delete: "destroy",
  forget: "forget",
  "create-forget": "create-forget",
};

/** The changed resources of a plan; no-op and read changes are left out. */
export function summarizeChanges(plan: any): ResourceSummary[] {
  const summaries: ResourceSummary[] = [];
  for (const change of resourceChanges(plan)) {
    if (change.mode === "data") continue;
    const action = SUMMARY_ACTIONS[change.action];
    if (!action) continue;
    const changes = action === "change" || action === "replace" || action === "create-forget" ? changedAttributes(change.change) : [];
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
    const forgets = atRisk.some(([, risk]) => isForget(risk.action));
    lines.push(
      "> [!CAUTION]",
      forgets
        ? "> **Stateful resources would be destroyed, replaced or forgotten** (data loss unless restored from a backup; a forgotten one is no longer managed by Terraform):"
        : "> **Stateful resources would be destroyed or replaced** (data loss unless restored from a backup):",
    );
    for (const [stack, risk] of atRisk) lines.push(`> - \`${stack}\`: \`${risk.address}\` would be ${RISK_OUTCOMES[risk.action]}`);
    lines.push(">", "> `npm run guard` refuses these unless `dataProtection.allowDestroy` in the environment file allows them.", "");
  }

  for (const { stack, plan } of plans) {
    const resources = summarizeChanges(plan);
    const count = (action: SummaryAction) => resources.filter((resource) => resource.action === action).length;
    lines.push(`## ${stack}`, "");
    const forgotten = count("forget") + count("create-forget");
    const forgets = forgotten > 0 ? `, ${forgotten} to forget` : "";
    lines.push(`**${count("add")} to add, ${count("change")} to change, ${count("replace")} to replace, ${count("destroy")} to destroy${forgets}**`, "");
    if (resources.length === 0) {
      lines.push("No changes.", "");
      continue;
    }
    lines.push("| resource | action | changes |", "|---|---|---|");
    for (const resource of resources) {
      const changes = resource.changes.map((change) => escapeCell(change)).join("<br/>");
      lines.push(`| \`${escapeCell(resource.address)}\` | ${ACTION_LABELS[resource.action]} | ${changes} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

const RISK_OUTCOMES: Record<GuardViolation["action"], string> = {
  delete: "**destroyed**",
  replace: "**replaced**",
  forget: "**forgotten** (removed from state, not destroyed: Terraform stops managing it)",
  "create-forget": "**forgotten** and a new one created (the old one stays, no longer managed by Terraform)",
};

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
