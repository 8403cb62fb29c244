/**
 * The pull-request comment from stack sections: a header (commit, run), the stateful resources
 * at risk across stacks, the total monthly cost, then one collapsed `<details>` per stack whose
 * summary line carries its counts and cost. It stays under GitHub's comment limit: when too long,
 * the largest stacks' resource lists go first (every stack keeps its summary line and cost), and a
 * note says what was cut and where the full plans are.
 */
import { costSummary } from "./cost-markdown";
import { Counts, StackSection } from "./section";
import { counted } from "../lib/text";

/** GitHub refuses issue and pull-request comments longer than this (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** What this comment may use: room is left for a marker or note the workflow adds around it. */
export const COMMENT_BUDGET = GITHUB_COMMENT_LIMIT - 1_000;

export interface CommentOptions {
  /** The commit the plans are of; shown short. */
  readonly commit?: string;
  /** The workflow run, where the full plans are. */
  readonly runUrl?: string;
  /** The length to stay under (default COMMENT_BUDGET). */
  readonly limit?: number;
}

const RISK_OUTCOMES: Record<string, string> = {
  delete: "**destroyed**",
  replace: "**replaced**",
  forget: "**forgotten** (removed from state, not destroyed: Terraform stops managing it)",
  "create-forget": "**forgotten** and a new one created (the old one stays, no longer managed by Terraform)",
};

interface Cuts {
  /** Stacks whose resource list (or log) was left out. */
  readonly detail: Set<string>;
  /** Stacks whose cost table was left out too (the summary line keeps the cost). */
  readonly cost: Set<string>;
}

export function renderComment(sections: readonly StackSection[], options: CommentOptions = {}): string {
  const limit = options.limit ?? COMMENT_BUDGET;
  const cuts: Cuts = { detail: new Set(), cost: new Set() };
  let text = render(sections, options, cuts);
  // Largest first: one big stack cut spares many small ones.
  for (const [part, size] of [["detail", (s: StackSection) => s.markdown.detail.length], ["cost", (s: StackSection) => s.markdown.cost.length]] as const) {
    const largest = [...sections].sort((a, b) => size(b) - size(a));
    for (const section of largest) {
      if (text.length < limit) return text;
      if (size(section) === 0) continue;
      cuts[part].add(section.stack);
      text = render(sections, options, cuts);
    }
  }
  if (text.length < limit) return text;
  // Thousands of stacks: even the summary lines do not fit. Cut at a line and say so.
  const ending = `\n\n**Cut at GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString("en-US")}-character limit.** ${wherePlansAre(options)}`;
  const kept = text.slice(0, limit - ending.length - 1);
  return `${kept.slice(0, kept.lastIndexOf("\n"))}${ending}`;
}

function render(sections: readonly StackSection[], options: CommentOptions, cuts: Cuts): string {
  const lines = ["# Plan summary", ""];
  const header = [options.commit ? `Commit \`${options.commit.slice(0, 7)}\`` : undefined, options.runUrl ? `[workflow run](${options.runUrl})` : undefined].filter(Boolean);
  if (header.length > 0) lines.push(header.join(" · "), "");
  if (cuts.detail.size > 0) {
    const stacks = [...cuts.detail].map((stack) => `\`${stack}\``).join(", ");
    const costs = cuts.cost.size > 0 ? ` and the cost tables of ${cuts.cost.size}` : "";
    lines.push(
      "> [!NOTE]",
      `> Shortened to fit GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString("en-US")}-character comment limit: the resource lists of ${counted(cuts.detail.size, "stack")}${costs} were left out (${stacks}). Every stack keeps its counts and cost. ${wherePlansAre(options)}`,
      "",
    );
  }
  lines.push(...atRiskLines(sections));
  const priced = sections.filter((section) => section.cost !== undefined);
  if (priced.length > 0) {
    const after = priced.reduce((sum, section) => sum + section.cost!.after, 0);
    const delta = priced.reduce((sum, section) => sum + section.cost!.delta, 0);
    const dates = [...new Set(priced.map((section) => `${section.cost!.asOf} (\`${section.cost!.table}\`)`))].join(", ");
    // A stack without a cost (its plan failed, or a section file without one) is not in the total:
    // the total must not read as the whole change's.
    const unpriced = sections.filter((section) => section.cost === undefined);
    const names = (failed: boolean) => unpriced.filter((section) => (section.status === "failed") === failed).map((section) => `\`${section.stack}\``).join(", ");
    const without = [[names(true), "no plan, not priced"], [names(false), "not priced"]].filter(([stacks]) => stacks).map(([stacks, why]) => `${stacks} (${why})`);
    // The date is the table's; a price not re-checked on it is flagged where it is used.
    const unconfirmed = priced.filter((section) => section.cost!.unconfirmed > 0).length;
    const who = unconfirmed === priced.length ? (priced.length === 1 ? "the stack uses" : "every stack uses") : `${counted(unconfirmed, "stack")} ${unconfirmed === 1 ? "uses" : "use"}`;
    const caveat = unconfirmed > 0 ? ` (${who} prices not re-checked on that date: see each stack's notes)` : "";
    lines.push(
      `**Estimated monthly cost of ${priced.length === 1 ? "the stack" : `the ${priced.length} stacks`}: ${costSummary({ after, delta })}**, prices as of ${dates}${caveat}; usage-based charges not included${without.length > 0 ? `; without ${without.join(", ")}` : ""}.`,
      "",
    );
  }
  for (const section of sections) lines.push(...sectionLines(section, options, cuts), "");
  return lines.join("\n");
}

function atRiskLines(sections: readonly StackSection[]): string[] {
  const atRisk = sections.flatMap((section) => section.atRisk.map((risk) => ({ stack: section.stack, ...risk })));
  if (atRisk.length === 0) return [];
  const forgets = atRisk.some((risk) => risk.action === "forget" || risk.action === "create-forget");
  return [
    "> [!CAUTION]",
    forgets
      ? "> **Stateful resources would be destroyed, replaced or forgotten** (data loss unless restored from a backup; a forgotten one is no longer managed by Terraform):"
      : "> **Stateful resources would be destroyed or replaced** (data loss unless restored from a backup):",
    ...atRisk.map((risk) => `> - \`${risk.stack}\`: \`${risk.address}\` would be ${RISK_OUTCOMES[risk.action] ?? `**${risk.action}**`}`),
    ">",
    "> `npm run guard` refuses these unless `dataProtection.allowDestroy` in the environment file allows them.",
    "",
  ];
}

function sectionLines(section: StackSection, options: CommentOptions, cuts: Cuts): string[] {
  const name = `<b>${escapeHtml(section.stack)}</b>`;
  const omitted = `_Left out to fit the comment limit. ${wherePlansAre(options)}_`;
  if (section.status === "failed" || !section.counts) {
    return ["<details open>", `<summary>❌ ${name}: plan failed</summary>`, "", cuts.detail.has(section.stack) ? omitted : section.markdown.detail, "", "</details>"];
  }
  const summary = [countsText(section.counts), section.cost ? costSummary(section.cost) : undefined].filter(Boolean).join(" · ");
  const body = [`**${countsText(section.counts)}**`];
  if (section.markdown.cost && !cuts.cost.has(section.stack)) body.push(section.markdown.cost);
  body.push(cuts.detail.has(section.stack) ? omitted : section.markdown.detail);
  return ["<details>", `<summary>${name}: ${summary}</summary>`, "", body.join("\n\n"), "", "</details>"];
}

/** `3 to add, 0 to change, 0 to replace, 1 to destroy` (and forgets when there are any): Terraform's words. */
export function countsText(counts: Counts): string {
  const forgets = counts.forget > 0 ? `, ${counts.forget} to forget` : "";
  return `${counts.add} to add, ${counts.change} to change, ${counts.replace} to replace, ${counts.destroy} to destroy${forgets}`;
}

function wherePlansAre(options: CommentOptions): string {
  return options.runUrl ? `The full plans are in the [workflow run](${options.runUrl}).` : "The full plans are in the workflow run's logs.";
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

