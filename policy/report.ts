/** The policy findings of one stack as a plain-text table for the terminal and CI logs. */
import { Finding, Severity, Suppression } from "./types";
import { counted } from "../lib/text";

export interface PolicyReportOptions {
  /** Suppressions that matched nothing (PolicyAspect.unusedSuppressions()), listed so stale config gets noticed. @default [] */
  readonly unusedSuppressions?: Suppression[];
}

const SEVERITIES: Severity[] = ["high", "medium", "low"];
const HEADER = ["SEVERITY", "RULE", "RESOURCE", "DETAIL"] as const;

/**
 * One row per finding (open findings first, then suppressed ones), each followed by an indented
 * line: the fix for an open finding, the accepted reason for a suppressed one.
 */
export function formatPolicyReport(stackId: string, findings: Finding[], options: PolicyReportOptions = {}): string {
  const stale = (options.unusedSuppressions ?? []).map(
    (suppression) => `stale suppression: ${suppression.rule} on ${suppression.resource} matched nothing (reason was: ${suppression.reason})`,
  );
  if (findings.length === 0) return [`policy ${stackId}: no findings`, ...stale].join("\n");

  const bySeverity = [...findings].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
  const open = bySeverity.filter((finding) => finding.suppressedReason === undefined);
  const suppressed = bySeverity.filter((finding) => finding.suppressedReason !== undefined);
  const counts = SEVERITIES.map((severity) => `${open.filter((finding) => finding.severity === severity).length} ${severity}`).join(", ");
  const summary = `policy ${stackId}: ${counted(open.length, "open finding")} (${counts}), ${suppressed.length} suppressed`;

  const rows = [...open, ...suppressed];
  const widths = [0, 1, 2].map((column) =>
    Math.max(HEADER[column].length, ...rows.map((finding) => [finding.severity, finding.rule, finding.resource][column].length)),
  );
  const line = (cells: string[]) => cells.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]) : cell)).join("  ").trimEnd();
  const indent = " ".repeat(widths[0] + widths[1] + widths[2] + 6);
  const body = rows.flatMap((finding) => [
    line([finding.severity, finding.rule, finding.resource, finding.detail]),
    finding.suppressedReason === undefined ? `${indent}fix: ${finding.fix}` : `${indent}suppressed: ${finding.suppressedReason}`,
  ]);
  return [summary, line([...HEADER]), ...body, ...stale].join("\n");
}
