/**
 * Reading synthesized Terraform JSON, for everything that inspects a stack after synthesis (the
 * policy pack, the diagrams). The bindings render booleans as true or "true", nested blocks as an
 * object or a one-element list, and references between resources as "${type.id.attr}" strings;
 * reading them one way everywhere keeps a rule and a diagram from disagreeing about what is wired
 * to what. Pure: no cdktf, no provider bindings.
 */

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

/** A resource, data source or provider block of a stack. */
export interface TerraformBlock {
  /** Terraform type ("aws_lb"); "data.<type>" for data sources; "provider" for provider blocks. */
  readonly type: string;
  /** Logical id in the synthesized JSON; for a provider block its name (and ".<alias>" if aliased). */
  readonly logicalId: string;
  /** The block's JSON, without cdktf's "//" metadata. */
  readonly config: any;
}

/** `type.logicalId`, as Terraform addresses the block. */
export function addressOf(block: { type: string; logicalId: string }): string {
  return `${block.type}.${block.logicalId}`;
}

/**
 * The blocks of a `resource` or `data` section (`typePrefix` "data."), in JSON order, each with
 * the construct path cdktf records in its metadata when the stack was synthesized with it.
 */
export function sectionBlocks(section: unknown, typePrefix = ""): (TerraformBlock & { constructPath?: string })[] {
  return Object.entries((section ?? {}) as Record<string, Record<string, any>>).flatMap(([type, byId]) =>
    Object.entries(byId).map(([logicalId, raw]) => {
      const { "//": metadata, ...config } = raw ?? {};
      return { type: `${typePrefix}${type}`, logicalId, config, constructPath: metadata?.metadata?.path };
    }),
  );
}

export interface Reference {
  type: string;
  logicalId: string;
  /** Attribute path after the logical id, e.g. `arn` or `instance_group`. */
  attribute: string;
}

/** Parses "${aws_lb.alb_1234.arn}" (the whole string must be that one reference). */
export function parseReference(value: unknown): Reference | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^\$\{([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([^{}]+)\}$/.exec(value.trim());
  return match ? { type: match[1], logicalId: match[2], attribute: match[3] } : undefined;
}

// `type.id.attr` inside larger expressions (for-expressions, interpolations, lists of them).
const EMBEDDED_REFERENCE = /\b([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([a-z_][a-z0-9_]*)/g;

/**
 * Every `type.id.attr` anywhere inside a value (strings, arrays, objects), in order. Candidates
 * only: check them against the stack, since `var.x.y` and `each.value.z` read the same way.
 */
export function referencesIn(value: unknown): Reference[] {
  const found: Reference[] = [];
  const visit = (item: unknown): void => {
    if (typeof item === "string") {
      for (const match of item.matchAll(EMBEDDED_REFERENCE)) found.push({ type: match[1], logicalId: match[2], attribute: match[3] });
    } else if (Array.isArray(item)) item.forEach(visit);
    else if (item && typeof item === "object") Object.values(item).forEach(visit);
  };
  visit(value);
  return found;
}

/** The block among `all` that a whole-string reference points at, if it is one of `types`. */
export function referenced<T extends TerraformBlock>(all: readonly T[], value: unknown, types: string[]): T | undefined {
  const reference = parseReference(value);
  if (!reference || !types.includes(reference.type)) return undefined;
  return all.find((resource) => resource.type === reference.type && resource.logicalId === reference.logicalId);
}

/** True when `value` is a whole-string reference (any attribute) to `target`. */
export function refersTo(value: unknown, target: TerraformBlock): boolean {
  const reference = parseReference(value);
  return reference !== undefined && reference.type === target.type && reference.logicalId === target.logicalId;
}

export interface StackResource extends TerraformBlock {
  readonly address: string;
}

/** The `resource` section of a stack's JSON, indexed for following references between resources. */
export class StackResources {
  private readonly resources: Record<string, Record<string, any>>;

  constructor(json: any) {
    this.resources = json?.resource ?? {};
  }

  /** Resources of the given types, ordered by type list then logical id (stable output). */
  ofType(...types: string[]): StackResource[] {
    return types.flatMap((type) =>
      Object.keys(this.resources[type] ?? {})
        .sort()
        .map((logicalId) => this.resource(type, logicalId)!),
    );
  }

  get(address: string): StackResource | undefined {
    const dot = address.indexOf(".");
    return this.resource(address.slice(0, dot), address.slice(dot + 1));
  }

  /** The reference a value is when it is exactly one `${type.id.attr}` to a resource of this stack. */
  reference(value: unknown): Reference | undefined {
    const reference = parseReference(value);
    return reference && this.has(reference) ? reference : undefined;
  }

  /** The referenced resource itself, when it is one of `types` (any type when none are given). */
  target(value: unknown, ...types: string[]): StackResource | undefined {
    const reference = this.reference(value);
    if (!reference || (types.length > 0 && !types.includes(reference.type))) return undefined;
    return this.get(addressOf(reference));
  }

  /** References to this stack's resources anywhere inside a value, in order. */
  referencesIn(value: unknown): Reference[] {
    return referencesIn(value).filter((reference) => this.has(reference));
  }

  /** Addresses of the resources of `types` referenced anywhere inside a value, deduplicated. */
  targetsIn(value: unknown, ...types: string[]): string[] {
    const addresses = this.referencesIn(value)
      .filter((reference) => types.length === 0 || types.includes(reference.type))
      .map(addressOf);
    return [...new Set(addresses)];
  }

  /** Whether a value references the resource at `address` anywhere inside it. */
  mentions(value: unknown, address: string): boolean {
    return this.referencesIn(value).some((reference) => addressOf(reference) === address);
  }

  /**
   * A literal value, following a reference to another resource's top-level attribute when the
   * value is one (e.g. the router NAT's `region` is `${google_compute_router.x.region}`).
   */
  literal(value: unknown, depth = 0): unknown {
    const reference = this.reference(value);
    if (!reference || depth > 5) return value;
    const attribute = this.get(addressOf(reference))?.config?.[reference.attribute];
    return attribute === undefined ? value : this.literal(attribute, depth + 1);
  }

  private has(reference: Reference): boolean {
    return this.resources[reference.type]?.[reference.logicalId] !== undefined;
  }

  private resource(type: string, logicalId: string): StackResource | undefined {
    const config = this.resources[type]?.[logicalId];
    return config === undefined ? undefined : { address: `${type}.${logicalId}`, type, logicalId, config };
  }
}
