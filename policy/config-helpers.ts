/**
 * What the rules share beyond reading the JSON (lib/terraform-json.ts): how a finding's detail is
 * worded, and what counts as the whole internet and as administrative ports.
 */

/** One detail string from a rule's several problems, or undefined when there are none. */
export function joinProblems(problems: (string | undefined)[]): string | undefined {
  const found = problems.filter((problem): problem is string => problem !== undefined);
  return found.length > 0 ? found.join("; ") : undefined;
}

/** How a value reads in a finding's detail (secrets never go through this). */
export function show(value: unknown): string {
  return value === undefined ? "not set" : JSON.stringify(value);
}

/** A CIDR that covers the whole address family (0.0.0.0/0, ::/0, ::0/0). */
export function isWorld(cidr: unknown): cidr is string {
  return typeof cidr === "string" && /^[0-9a-fA-F.:]+\/0$/.test(cidr.trim());
}

/** Inclusive port range; `undefined` bounds mean "not known at synth time". */
export interface PortRange {
  from?: number;
  to?: number;
}

export const ALL_PORTS: PortRange = { from: 0, to: 65535 };

export function coversPort(range: PortRange, port: number): boolean {
  return range.from !== undefined && range.to !== undefined && range.from <= port && port <= range.to;
}

export function isAllPorts(range: PortRange): boolean {
  return range.from !== undefined && range.to !== undefined && range.from <= 1 && range.to >= 65535;
}

/** The administrative ports (and "all") that must never face the internet, as the detail names them. */
export function adminExposure(protocol: string, range: PortRange): string | undefined {
  if (protocol === "all") return "all protocols and ports";
  if (protocol !== "tcp" && protocol !== "udp") return undefined;
  if (isAllPorts(range)) return `all ${protocol} ports`;
  const exposed = [
    coversPort(range, 22) ? "SSH 22" : undefined,
    coversPort(range, 3389) ? "RDP 3389" : undefined,
  ].filter(Boolean);
  return exposed.length > 0 ? `${protocol} ${describeRange(range)} (${exposed.join(", ")})` : undefined;
}

export function describeRange(range: PortRange): string {
  if (range.from === undefined || range.to === undefined) return "ports unknown at synth time";
  return range.from === range.to ? `${range.from}` : `${range.from}-${range.to}`;
}

/** "tcp"/"6" → "tcp", "-1"/"all" → "all"; other protocols keep their lower-case name or number. */
export function normalizeProtocol(protocol: unknown): string {
  const text = String(protocol ?? "").trim().toLowerCase();
  if (text === "-1" || text === "all") return "all";
  if (text === "6") return "tcp";
  if (text === "17") return "udp";
  return text;
}
