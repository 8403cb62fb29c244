/** An inclusive integer range a provider accepts for one setting. */
export interface IntegerRange {
  readonly min: number;
  readonly max: number;
}

export function isIntegerIn(value: unknown, range: IntegerRange): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= range.min && value <= range.max;
}

/** "an integer from 5 to 300": the wording every range error uses. */
export function describeRange(range: IntegerRange): string {
  return `an integer from ${range.min} to ${range.max}`;
}

/** The values both ranges accept: what a cloud-neutral field may hold when both clouds honour it. */
export function intersect(a: IntegerRange, b: IntegerRange): IntegerRange {
  const range = { min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) };
  if (range.min > range.max) throw new Error(`ranges [${a.min}, ${a.max}] and [${b.min}, ${b.max}] do not overlap`);
  return range;
}

/** TCP ports. */
export const PORT_RANGE: IntegerRange = { min: 1, max: 65535 };
