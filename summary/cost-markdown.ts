/**
 * The cost estimate in the PR comment: `~$123.45/mo (+$67.89)` on a stack's summary line, and a
 * small table per stack naming what is priced, what is not, and the price table's date.
 */
import { StackCost } from "../pricing/estimate";
import { SectionCost } from "./section";

/** `$1,234.56`. */
export function money(usd: number): string {
  const cents = Math.round(Math.abs(usd) * 100);
  const whole = Math.floor(cents / 100).toLocaleString("en-US");
  return `${usd < 0 && cents > 0 ? "-" : ""}$${whole}.${String(cents % 100).padStart(2, "0")}`;
}

/** `+$1.00`, `-$1.00`, `±$0.00`. */
export function signedMoney(usd: number): string {
  const cents = Math.round(usd * 100);
  if (cents === 0) return "±$0.00";
  return cents > 0 ? `+${money(usd)}` : money(usd);
}

/** `~$123.45/mo (+$67.89)`, for a stack's summary line and the comment's total. */
export function costSummary(cost: Pick<SectionCost, "after" | "delta">): string {
  return `~${money(cost.after)}/mo (${signedMoney(cost.delta)})`;
}

export function sectionCost(cost: StackCost): SectionCost {
  const { before, after, delta, asOf, table, regions, notEstimated, usageBased, pricesUsed, unconfirmed } = cost;
  return { before, after, delta, asOf, table, regions, notEstimated, usageBased, pricesUsed, unconfirmed };
}

export function costMarkdown(cost: StackCost): string {
  const notes: string[] = [];
  if (cost.notEstimated.length > 0) notes.push(`Not estimated: ${cost.notEstimated.map(cell).join("; ")}.`);
  if (cost.usageBased.length > 0) notes.push(`Usage-based, not estimated: ${cost.usageBased.join("; ")}.`);
  const regions = cost.regions.length > 0 ? cost.regions.join(", ") : "region unknown";
  const unconfirmed = cost.unconfirmed > 0 ? `; ${cost.unconfirmed} of the ${cost.pricesUsed} prices used are not confirmed for that date (see the table's notes)` : "";
  notes.push(`Prices as of ${cost.asOf} (\`${cost.table}\`), ${regions}, on-demand, ${cost.hoursPerMonth} h/month${unconfirmed}.`);
  const table = cost.rows.length > 0 ? costTable(cost) : "Nothing in this stack has a price in the table.";
  // GitHub renders the line breaks inside a comment paragraph, so the notes stay one line each.
  return ["**Monthly cost estimate**", table, notes.join("\n")].join("\n\n");
}

/** The rows this plan changes, the unchanged ones summed in one row (the table must stay small), and the total. */
function costTable(cost: StackCost): string {
  const cents = (usd: number | undefined) => Math.round((usd ?? 0) * 100);
  const changed = cost.rows.filter((row) => cents(row.before?.monthly) !== cents(row.after?.monthly) || row.before?.what !== row.after?.what);
  const unchanged = cost.rows.filter((row) => !changed.includes(row));
  const lines = ["| resource | priced as | before | after | change |", "|---|---|--:|--:|--:|"];
  for (const row of changed) {
    const before = row.before?.monthly ?? 0;
    const after = row.after?.monthly ?? 0;
    const what = row.before && row.after ? `${row.before.what} → ${row.after.what}` : (row.after ?? row.before)!.what;
    lines.push(`| \`${cell(row.address)}\` | ${cell(what)} | ${money(before)} | ${money(after)} | ${signedMoney(after - before)} |`);
  }
  if (unchanged.length > 0) {
    const total = unchanged.reduce((sum, row) => sum + (row.after?.monthly ?? 0), 0);
    lines.push(`| ${unchanged.length} unchanged | | ${money(total)} | ${money(total)} | ±$0.00 |`);
  }
  lines.push(`| **total** | | **${money(cost.before)}** | **${money(cost.after)}** | **${signedMoney(cost.delta)}** |`);
  return lines.join("\n");
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
