/**
 * What a cloud's pricing produces for one side of a plan (before or after), and the context it
 * prices in: the region and the price table. Shared by pricing/aws.ts and pricing/gcp.ts.
 */
import { PRICE_TABLE, PriceEntry, PriceTable, priceOf } from "./price-table";

export interface CostLine {
  readonly address: string;
  /** What is priced, e.g. "2 × t3.small" or "db.t4g.small MySQL Single-AZ + 20 GB gp3". */
  readonly what: string;
  /** USD per month (730 hours). */
  readonly monthly: number;
}

export interface SideEstimate {
  readonly lines: CostLine[];
  /** Resources or charges the table cannot price: unknown types, sizes, regions, counts. */
  readonly notEstimated: string[];
  /** Charges that depend on usage (data processed, requests, LCUs), never estimated. */
  readonly usageBased: string[];
}

export class PricingContext {
  /** The table entries this context priced with, to say how many of them were confirmed. */
  readonly used = new Set<PriceEntry>();

  constructor(
    /** The region the resources run in, undefined when the plan does not say. */
    readonly region: string | undefined,
    readonly table: PriceTable = PRICE_TABLE,
  ) {}

  entry(item: string): PriceEntry | undefined {
    const entry = this.region === undefined ? undefined : priceOf(item, this.region, this.table);
    if (entry) this.used.add(entry);
    return entry;
  }

  /** USD per month of one unit of the item (hourly prices × hoursPerMonth), or undefined. */
  monthly(item: string): number | undefined {
    const entry = this.entry(item);
    if (entry === undefined) return undefined;
    return entry.per === "hour" || entry.per === "gb-hour" ? entry.usd * this.table.hoursPerMonth : entry.usd;
  }

  /** Why an item has no price: the region is unknown or the table has no entry for it there. */
  missing(what: string): string {
    return this.region === undefined ? `${what}: region unknown` : `${what}: no price for ${this.region} in the table`;
  }
}

/** Collects lines and notes; `not` and `usage` deduplicate. */
export class SideCollector {
  readonly lines: CostLine[] = [];
  private readonly notes = new Set<string>();
  private readonly usage = new Set<string>();

  line(address: string, what: string, monthly: number): void {
    this.lines.push({ address, what, monthly });
  }

  not(note: string): void {
    this.notes.add(note);
  }

  usageBased(note: string): void {
    this.usage.add(note);
  }

  result(): SideEstimate {
    return { lines: this.lines, notEstimated: [...this.notes], usageBased: [...this.usage] };
  }
}

/** Resource types that exist in the stacks, or cloud-neutral helpers, and cost nothing by themselves. */
export const NEUTRAL_FREE_TYPES = new Set(["terraform_data", "null_resource", "time_sleep", "random_id", "random_password", "random_string", "random_pet"]);
