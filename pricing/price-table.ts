/**
 * The dated price table (pricing/price-table.json): on-demand list prices per item and region,
 * each with its public source and the date it was taken. The cost estimate reads prices only
 * from here, so a figure in a PR comment can always be traced to one line of that file.
 */
import table from "./price-table.json";

/** Where the table lives, as the PR comment names it. */
export const PRICE_TABLE_FILE = "pricing/price-table.json";

export type PriceUnit = "hour" | "month" | "gb-month" | "gb-hour";

export interface PriceEntry {
  /** e.g. "aws.ec2.t3.small", "gcp.sql.vcpu.regional". */
  readonly item: string;
  /** A region ("eu-west-1", "europe-west1"), or "*" when the price is the same everywhere. */
  readonly region: string;
  readonly usd: number;
  readonly per: PriceUnit;
  readonly source: string;
  readonly asOf: string;
  /** False when the figure is the last known list price and was not re-checked on asOf. */
  readonly confirmed: boolean;
  readonly note?: string;
}

export interface PriceTable {
  /** The date the comment names: "Prices as of <asOf>". */
  readonly asOf: string;
  readonly currency: string;
  readonly hoursPerMonth: number;
  readonly prices: readonly PriceEntry[];
}

export const PRICE_TABLE: PriceTable = table as PriceTable;

/** The entry for an item in a region (a region-specific entry wins over "*"), or undefined. */
export function priceOf(item: string, region: string, prices: PriceTable = PRICE_TABLE): PriceEntry | undefined {
  return (
    prices.prices.find((entry) => entry.item === item && entry.region === region) ??
    prices.prices.find((entry) => entry.item === item && entry.region === "*")
  );
}

/** The regions the table has any price for, for one cloud ("aws" or "gcp"). */
export function regionsOf(cloud: string, prices: PriceTable = PRICE_TABLE): string[] {
  return [...new Set(prices.prices.filter((entry) => entry.item.startsWith(`${cloud}.`) && entry.region !== "*").map((entry) => entry.region))].sort();
}
