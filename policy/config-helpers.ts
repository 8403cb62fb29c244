/**
 * Reading resolved Terraform JSON: the bindings render booleans as true or "true", nested
 * blocks as an object or a one-element list, and references as "${type.id.attr}" strings.
 */
import { ResolvedResource } from "./types";

/** A nested block or list of blocks as a list (absent → []). */
export function blocks(value: unknown): any[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The one nested block (single blocks may synthesize as an object or a one-element list). */
export function block(value: unknown): any {
  return blocks(value)[0];
}

export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === "string" && value.trim().toLowerCase() === "true");
}

export function isFalse(value: unknown): boolean {
  return value === false || (typeof value === "string" && value.trim().toLowerCase() === "false");
}

/** A number written as a number or a numeric string; undefined for references and absent values. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

/** One detail string from a rule's several problems, or undefined when there are none. */
export function joinProblems(problems: (string | undefined)[]): string | undefined {
  const found = problems.filter((problem): problem is string => problem !== undefined);
  return found.length > 0 ? found.join("; ") : undefined;
}

/** How a value reads in a finding's detail (secrets never go through this). */
export function show(value: unknown): string {
  return value === undefined ? "not set" : JSON.stringify(value);
}

/**
 * True when the string is nothing but Terraform interpolations ("${a}" or "${a}${b}"): no
 * character of it is written literally.
 */
export function isOnlyInterpolations(text: string): boolean {
  let index = 0;
  while (index < text.length) {
    if (!text.startsWith("${", index)) return false;
    const end = interpolationEnd(text, index + 1);
    if (end < 0) return false;
    index = end + 1;
  }
  return text.length > 0;
}

/** Index of the "}" closing the "{" at `open`, skipping quoted strings; -1 when unbalanced. */
function interpolationEnd(text: string, open: number): number {
  let depth = 0;
  let quoted = false;
  for (let index = open; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === "\\") index++;
      else if (char === '"') quoted = false;
      continue;
    }
    if (char === '"') quoted = true;
    else if (char === "{") depth++;
    else if (char === "}" && --depth === 0) return index;
  }
  return -1;
}

export interface Reference {
  type: string;
  logicalId: string;
  attribute: string;
}

/** Parses "${aws_lb.alb_1234.arn}" (the whole string must be that one reference). */
export function parseReference(value: unknown): Reference | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^\$\{([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([^{}]+)\}$/.exec(value.trim());
  return match ? { type: match[1], logicalId: match[2], attribute: match[3] } : undefined;
}

/** The stack's resource a reference points at, if it is one of `types`. */
export function referenced(all: ResolvedResource[], value: unknown, types: string[]): ResolvedResource | undefined {
  const reference = parseReference(value);
  if (!reference || !types.includes(reference.type)) return undefined;
  return all.find((resource) => resource.type === reference.type && resource.logicalId === reference.logicalId);
}

/** True when `value` is a reference (any attribute) to `target`. */
export function refersTo(value: unknown, target: ResolvedResource): boolean {
  const reference = parseReference(value);
  return reference !== undefined && reference.type === target.type && reference.logicalId === target.logicalId;
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
