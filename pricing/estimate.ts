/**
 * Monthly cost of one stack before and after its plan, offline, from the dated price table:
 * the plan's `before` values price what runs now, its `after` values what will run, so a pull
 * request's change is after − before. Unknown types and usage-based charges are named, never guessed.
 */
import { awsRegion, priceAws } from "./aws";
import { CostLine, NEUTRAL_FREE_TYPES, PricingContext, SideEstimate } from "./cost";
import { gcpRegion, priceGcp } from "./gcp";
import { PRICE_TABLE, PRICE_TABLE_FILE, PriceTable } from "./price-table";
import { PlannedResource, resourcesOf } from "./plan-resources";

export interface CostRow {
  readonly address: string;
  readonly before?: CostLine;
  readonly after?: CostLine;
}

export interface StackCost {
  /** USD per month before and after the plan, and the change (after − before). */
  readonly before: number;
  readonly after: number;
  readonly delta: number;
  /** One row per priced resource, in address order. */
  readonly rows: CostRow[];
  readonly notEstimated: string[];
  readonly usageBased: string[];
  /** The regions priced in, e.g. ["eu-west-1"]. */
  readonly regions: string[];
  /** The price table's date and file, named in the comment. */
  readonly asOf: string;
  readonly table: string;
  readonly hoursPerMonth: number;
  /** How many table entries priced this stack, and how many of them were not re-checked on their date. */
  readonly pricesUsed: number;
  readonly unconfirmed: number;
}

export function estimateCost(plan: any, table: PriceTable = PRICE_TABLE): StackCost {
  const before = resourcesOf(plan, "before");
  const after = resourcesOf(plan, "after");
  const all = [...before, ...after];
  const regions = { aws: awsRegion(all, plan), gcp: gcpRegion(all, plan) };
  const contexts = { aws: new PricingContext(regions.aws, table), gcp: new PricingContext(regions.gcp, table) };
  const sides = [before, after].map((resources) => priceSide(resources, contexts));
  const used = [...new Set([...contexts.aws.used, ...contexts.gcp.used])];
  const rows = new Map<string, { before?: CostLine; after?: CostLine }>();
  sides.forEach((side, index) => {
    for (const line of side.lines) {
      const row = rows.get(line.address) ?? {};
      // Two lines for one address (never in these stacks) add up rather than hide each other.
      const previous = index === 0 ? row.before : row.after;
      const merged = previous ? { address: line.address, what: `${previous.what}; ${line.what}`, monthly: previous.monthly + line.monthly } : line;
      rows.set(line.address, index === 0 ? { ...row, before: merged } : { ...row, after: merged });
    }
  });
  const total = (side: SideEstimate) => side.lines.reduce((sum, line) => sum + line.monthly, 0);
  const [beforeTotal, afterTotal] = sides.map(total);
  return {
    before: beforeTotal,
    after: afterTotal,
    delta: afterTotal - beforeTotal,
    rows: [...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([address, row]) => ({ address, ...row })),
    notEstimated: unique(sides.flatMap((side) => side.notEstimated)),
    usageBased: unique(sides.flatMap((side) => side.usageBased)),
    regions: [usesCloud(all, "aws_") ? regions.aws : undefined, usesCloud(all, "google_") ? regions.gcp : undefined].filter(
      (region): region is string => region !== undefined,
    ),
    asOf: table.asOf,
    table: PRICE_TABLE_FILE,
    hoursPerMonth: table.hoursPerMonth,
    pricesUsed: used.length,
    unconfirmed: used.filter((entry) => !entry.confirmed).length,
  };
}

function priceSide(resources: PlannedResource[], contexts: { aws: PricingContext; gcp: PricingContext }): SideEstimate {
  const aws = resources.filter((resource) => resource.type.startsWith("aws_"));
  const gcp = resources.filter((resource) => resource.type.startsWith("google_"));
  const other = resources.filter((resource) => !resource.type.startsWith("aws_") && !resource.type.startsWith("google_"));
  const parts = [
    aws.length > 0 ? priceAws(aws, contexts.aws) : undefined,
    gcp.length > 0 ? priceGcp(gcp, contexts.gcp) : undefined,
  ].filter((part): part is SideEstimate => part !== undefined);
  const unknownTypes = unique(other.filter((resource) => !NEUTRAL_FREE_TYPES.has(resource.type)).map((resource) => `\`${resource.type}\`: no price in the table`));
  return {
    lines: parts.flatMap((part) => part.lines),
    notEstimated: [...parts.flatMap((part) => part.notEstimated), ...unknownTypes],
    usageBased: parts.flatMap((part) => part.usageBased),
  };
}

function usesCloud(resources: PlannedResource[], prefix: string): boolean {
  return resources.some((resource) => resource.type.startsWith(prefix));
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
