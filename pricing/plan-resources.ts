/**
 * The resources of a plan as they are before it and as they will be after it, for pricing, and
 * how one resource finds another it refers to (an auto scaling group its launch template, a
 * Google instance group its template). A value that is only known after apply is absent here.
 */
import { resourceChanges } from "../plan/plan-json";

export type Side = "before" | "after";

export interface PlannedResource {
  readonly address: string;
  readonly type: string;
  /** Known values on this side; "known after apply" ones are left out. */
  readonly values: Record<string, any>;
  /** The configuration's `expressions` of the resource, when the plan carries them. */
  readonly expressions?: Record<string, any>;
}

/**
 * The managed resources that exist on one side of the plan: before it (the state it starts
 * from) or after it. A forgotten resource leaves the stack, so it has no "after".
 */
export function resourcesOf(plan: any, side: Side): PlannedResource[] {
  const expressions = configurationExpressions(plan);
  const result: PlannedResource[] = [];
  for (const change of resourceChanges(plan)) {
    if (change.mode === "data") continue;
    if (side === "after" && (change.action === "forget" || change.action === "delete")) continue;
    const values = change.change?.[side];
    if (values === null || typeof values !== "object") continue;
    const known = side === "after" ? withoutUnknown(values, change.change?.after_unknown) : values;
    result.push({ address: change.address, type: change.type, values: known, expressions: expressions.get(configAddress(change.address)) });
  }
  return result;
}

/** The first element of a nested block (plans write blocks as lists; synthesized JSON as objects). */
export function block(value: unknown): Record<string, any> | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first !== null && typeof first === "object" && !Array.isArray(first) ? (first as Record<string, any>) : undefined;
}

/** A number when the value is one, else undefined (unknown, null or a reference). */
export function numberOf(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * The resource among `candidates` that `from` refers to through the attribute at `path`
 * (e.g. ["launch_template", 0, "id"]): by the configuration's references, by a `${type.name…}`
 * value, by a known id, self link or name, by `sameName`, or the only candidate there is.
 */
export function linkedResource(
  from: PlannedResource,
  path: readonly (string | number)[],
  candidates: readonly PlannedResource[],
  sameName: (candidate: PlannedResource) => boolean = () => false,
): PlannedResource | undefined {
  const byAddress = (reference: string) =>
    candidates.find((candidate) => reference === configAddress(candidate.address) || reference.startsWith(`${configAddress(candidate.address)}.`));
  for (const reference of configReferences(from.expressions, path)) {
    const found = byAddress(reference);
    if (found) return found;
  }
  const value = valueAt(from.values, path);
  if (typeof value === "string") {
    const literal = /^\$\{([\w-]+\.[\w-]+)/.exec(value);
    if (literal && byAddress(literal[1])) return byAddress(literal[1]);
    const matches = candidates.filter((candidate) => [candidate.values.id, candidate.values.self_link, candidate.values.name].includes(value));
    if (matches.length === 1) return matches[0];
  }
  const named = candidates.filter(sameName);
  if (named.length === 1) return named[0];
  return candidates.length === 1 ? candidates[0] : undefined;
}

function valueAt(values: any, path: readonly (string | number)[]): unknown {
  let current = values;
  for (const step of path) {
    if (current === null || current === undefined) return undefined;
    // A block written as an object (synthesized JSON) is addressed like a one-element list.
    current = typeof step === "number" && !Array.isArray(current) && step === 0 ? current : current[step];
  }
  return current;
}

function configReferences(expressions: Record<string, any> | undefined, path: readonly (string | number)[]): string[] {
  const references = valueAt(expressions, path) as { references?: unknown } | undefined;
  return Array.isArray(references?.references) ? references.references.filter((reference): reference is string => typeof reference === "string") : [];
}

/** `aws_lb.x[0]` and `module.m.aws_lb.x["a"]` → the configuration address (`aws_lb.x`, `module.m.aws_lb.x`). */
function configAddress(address: string): string {
  return address.replace(/\[[^\]]*\]/g, "");
}

function configurationExpressions(plan: any): Map<string, Record<string, any>> {
  const result = new Map<string, Record<string, any>>();
  const visit = (module: any, prefix: string) => {
    for (const resource of Array.isArray(module?.resources) ? module.resources : []) {
      if (typeof resource?.address === "string" && resource.expressions) result.set(`${prefix}${resource.address}`, resource.expressions);
    }
    for (const [name, call] of Object.entries<any>(module?.module_calls ?? {})) visit(call?.module, `${prefix}module.${name}.`);
  };
  visit(plan?.configuration?.root_module, "");
  return result;
}

/** `values` without what `unknown` (the plan's after_unknown, same shape) marks as unknown. */
function withoutUnknown(values: any, unknown: any): any {
  if (unknown === true) return undefined;
  if (unknown === null || typeof unknown !== "object" || values === null || typeof values !== "object") return values;
  if (Array.isArray(values)) return values.map((value, index) => withoutUnknown(value, unknown[index]));
  const result: Record<string, any> = {};
  for (const key of Object.keys(values)) {
    const known = withoutUnknown(values[key], unknown[key]);
    if (known !== undefined) result[key] = known;
  }
  return result;
}
