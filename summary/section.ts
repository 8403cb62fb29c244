/**
 * One stack's part of the PR comment, as data: its counts, cost figures, the stateful resources at
 * risk and its rendered Markdown. A section file (`<stack>.section.json`) carries exactly this, so
 * parallel CI jobs can hand their stack's section to the job that posts the comment without
 * uploading the plan JSON, which holds every value in clear. Nothing sensitive goes in: the
 * Markdown masks sensitive values and the cost figures are prices and resource addresses.
 */
import * as fs from "fs";
import { InputError, firstLine, readText } from "../lib/cli-io";

export const SECTION_KIND = "plan-summary-section";
export const SECTION_VERSION = 1;

export interface Counts {
  readonly add: number;
  readonly change: number;
  readonly replace: number;
  readonly destroy: number;
  readonly forget: number;
}

export interface SectionCost {
  /** USD per month before the plan, after it, and the change. */
  readonly before: number;
  readonly after: number;
  readonly delta: number;
  /** The price table's date and file. */
  readonly asOf: string;
  readonly table: string;
  readonly regions: string[];
  readonly notEstimated: string[];
  readonly usageBased: string[];
  /** Table entries used, and how many of them were not re-checked on their date. */
  readonly pricesUsed: number;
  readonly unconfirmed: number;
}

export interface AtRisk {
  readonly address: string;
  /** The guard's words: "delete", "replace", "forget", "create-forget". */
  readonly action: string;
}

export interface StackSection {
  readonly kind: typeof SECTION_KIND;
  readonly version: typeof SECTION_VERSION;
  readonly stack: string;
  /** "failed": the plan failed and `markdown.detail` holds the end of its log. */
  readonly status: "planned" | "failed";
  readonly counts?: Counts;
  readonly cost?: SectionCost;
  readonly atRisk: AtRisk[];
  readonly markdown: {
    /** The cost table; kept when the comment must be shortened. */
    readonly cost: string;
    /** The changed resources (or the failed plan's log); the first thing cut when the comment is too long. */
    readonly detail: string;
  };
}

/** The stack a file is named after: the file name up to its first dot (`aws-prod.plan.json` → aws-prod). */
export function stackOfFile(file: string): string {
  return (file.split(/[\\/]/).pop() ?? file).split(".")[0];
}

export function isSectionFile(file: string): boolean {
  return file.endsWith(".section.json");
}

export function writeSectionFile(file: string, section: StackSection): void {
  try {
    fs.writeFileSync(file, `${JSON.stringify(section, null, 2)}\n`);
  } catch (error) {
    throw new InputError(`${file}: cannot write: ${firstLine(error)}`);
  }
}

/** A section file, checked field by field; every problem is one InputError line naming the file. */
export function readSectionFile(file: string): StackSection {
  const text = readText(file);
  let section: any;
  try {
    section = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${firstLine(error)}); expected a section written by npm run summary -- --section-out`);
  }
  const problem = sectionProblem(section);
  if (problem) throw new InputError(`${file}: ${problem}`);
  return section as StackSection;
}

function sectionProblem(section: any): string | undefined {
  if (section === null || typeof section !== "object" || section.kind !== SECTION_KIND) {
    return "not a plan summary section (expected a file written by npm run summary -- --section-out)";
  }
  if (section.version !== SECTION_VERSION) return `section version ${JSON.stringify(section.version)} is not supported (this summary reads version ${SECTION_VERSION})`;
  if (typeof section.stack !== "string" || section.stack.length === 0 || /[\r\n]/.test(section.stack)) return "the section has no valid stack name";
  if (section.status !== "planned" && section.status !== "failed") return `status ${JSON.stringify(section.status)} is neither "planned" nor "failed"`;
  if (typeof section.markdown?.cost !== "string" || typeof section.markdown?.detail !== "string") return "the section has no markdown.cost and markdown.detail";
  if (!Array.isArray(section.atRisk)) return "the section has no atRisk list";
  if (section.status === "planned") {
    const counts = section.counts;
    if (!counts || !["add", "change", "replace", "destroy", "forget"].every((key) => Number.isInteger(counts[key]))) return "the section has no counts";
    const cost = section.cost;
    if (cost !== undefined && !["before", "after", "delta"].every((key) => typeof cost[key] === "number")) return "the section's cost has no before, after and delta";
  }
  return undefined;
}
