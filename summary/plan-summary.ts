/**
 * A stack's plan as a section of the pull-request comment: counts, the stateful resources at
 * risk (the guard's rules), the monthly cost before and after (pricing/), and a table of changed
 * resources with the attributes that change. Sensitive values are never printed.
 */
import { guardPlan } from "../guard/plan-guard";
import { PlanAction, resourceChanges } from "../plan/plan-json";
import { estimateCost } from "../pricing/estimate";
import { changedAttributes } from "./attributes";
import { CommentOptions, renderComment } from "./comment";
import { costMarkdown, sectionCost } from "./cost-markdown";
import { codeBlock, logTail } from "./failed-log";
import { Counts, SECTION_KIND, SECTION_VERSION, StackSection } from "./section";

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

/** The comment for plans read in this process (no section files): one section per stack. */
export function formatSummary(plans: StackPlan[], options: CommentOptions = {}): string {
  return renderComment(plans.map(({ stack, plan }) => sectionFromPlan(stack, plan)), options);
}

export function sectionFromPlan(stack: string, plan: any): StackSection {
  const resources = summarizeChanges(plan);
  const count = (action: SummaryAction) => resources.filter((resource) => resource.action === action).length;
  const counts: Counts = {
    add: count("add"),
    change: count("change"),
    replace: count("replace"),
    destroy: count("destroy"),
    forget: count("forget") + count("create-forget"),
  };
  const { violations, allowed } = guardPlan(plan);
  const cost = estimateCost(plan);
  return {
    kind: SECTION_KIND,
    version: SECTION_VERSION,
    stack,
    status: "planned",
    counts,
    cost: sectionCost(cost),
    atRisk: [...violations, ...allowed].map(({ address, action }) => ({ address, action })),
    markdown: { cost: costMarkdown(cost), detail: resourceTable(resources) },
  };
}

/** The section of a stack whose plan failed: the end of its log, or why there is none. */
export function failedSection(stack: string, log: { text: string } | { problem: string }): StackSection {
  const detail =
    "text" in log
      ? `The plan failed. The end of its log:\n\n${codeBlock(logTail(log.text) || "(the log is empty)")}`
      : `The plan failed, and its log could not be read (${log.problem}).`;
  return { kind: SECTION_KIND, version: SECTION_VERSION, stack, status: "failed", atRisk: [], markdown: { cost: "", detail } };
}

function resourceTable(resources: ResourceSummary[]): string {
  if (resources.length === 0) return "No changes.";
  const lines = ["| resource | action | changes |", "|---|---|---|"];
  for (const resource of resources) {
    const changes = resource.changes.map(escapeCell).join("<br/>");
    lines.push(`| \`${escapeCell(resource.address)}\` | ${ACTION_LABELS[resource.action]} | ${changes} |`);
  }
  return lines.join("\n");
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
