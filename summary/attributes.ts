/**
 * The attributes a resource change changes, readable in one table cell each:
 * `path: before → after`, nested blocks by path (`ingress[0].cidr_blocks`), values unknown until
 * apply as `(known after apply)`, sensitive ones as `(sensitive)` (never their value), long values
 * cut, and the attributes that force a replacement marked.
 */
export const MAX_VALUE_LENGTH = 60;
/** More changed attributes than this in one resource are counted, not listed. */
export const MAX_CHANGES_PER_RESOURCE = 20;
export const SENSITIVE = "(sensitive)";
export const UNKNOWN = "(known after apply)";

type Path = (string | number)[];

/** `path: before → after` for every changed leaf of a plan's `change` object. */
export function changedAttributes(change: any): string[] {
  const forcing: Path[] = (change.replace_paths ?? []).filter(Array.isArray);
  const result: string[] = [];
  walk(
    {
      before: change.before ?? {},
      after: change.after ?? {},
      unknown: change.after_unknown ?? {},
      sensitive: [change.before_sensitive, change.after_sensitive],
    },
    [],
    forcing,
    result,
  );
  if (result.length <= MAX_CHANGES_PER_RESOURCE) return result;
  return [...result.slice(0, MAX_CHANGES_PER_RESOURCE), `… and ${result.length - MAX_CHANGES_PER_RESOURCE} more attributes`];
}

interface Node {
  readonly before: unknown;
  readonly after: unknown;
  readonly unknown: unknown;
  /** before_sensitive and after_sensitive at this path. */
  readonly sensitive: unknown[];
}

function walk(node: Node, path: Path, forcing: Path[], result: string[]): void {
  const { before, after, unknown } = node;
  const sensitive = node.sensitive.some((marker) => marker === true);
  if (!sensitive && unknown !== true) {
    if (isRecord(before) && isRecord(after)) {
      const unknownRecord = isRecord(unknown) ? unknown : {};
      for (const key of [...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknownRecord)])].sort()) {
        walk(child(node, key), [...path, key], forcing, result);
      }
      return;
    }
    if (isBlockList(before) && isBlockList(after)) {
      for (let index = 0; index < Math.max(before.length, after.length); index += 1) walk(child(node, index), [...path, index], forcing, result);
      return;
    }
  }
  const hidden = sensitive || node.sensitive.some(marksAny);
  const pending = unknown === true || (marksAny(unknown) && !hidden);
  if (!pending && JSON.stringify(before) === JSON.stringify(after)) return;
  const forces = forcing.some((replacePath) => isPrefix(replacePath, path) || isPrefix(path, replacePath));
  // Computed attributes that only become unknown (ids, ARNs) are noise unless they force replacement.
  if (pending && before !== undefined && after === undefined && !forces) return;
  const from = hidden ? SENSITIVE : formatValue(before);
  const to = hidden ? SENSITIVE : pending ? UNKNOWN : formatValue(after);
  if (path.length === 0) return;
  result.push(`\`${formatPath(path)}\`: ${from} → ${to}${forces ? " (forces replacement)" : ""}`);
}

function child(node: Node, step: string | number): Node {
  const at = (value: unknown) => (value !== null && typeof value === "object" ? (value as any)[step] : undefined);
  return { before: at(node.before), after: at(node.after), unknown: at(node.unknown), sensitive: node.sensitive.map(at) };
}

/** True when a sensitivity or unknown marker is `true` anywhere inside. */
function marksAny(marker: unknown): boolean {
  if (marker === true) return true;
  if (marker !== null && typeof marker === "object") return Object.values(marker).some(marksAny);
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A list of nested blocks (objects), compared element by element; a list of strings is one value. */
function isBlockList(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length > 0 && value.every(isRecord);
}

function isPrefix(prefix: Path, path: Path): boolean {
  return prefix.length <= path.length && prefix.every((step, index) => String(step) === String(path[index]));
}

/** `ingress[0].cidr_blocks`, `tags["kubernetes.io/role"]`. */
export function formatPath(path: Path): string {
  return path
    .map((step, index) => {
      if (typeof step === "number") return `[${step}]`;
      if (/^[A-Za-z_][\w-]*$/.test(step)) return index === 0 ? step : `.${step}`;
      return `[${JSON.stringify(step)}]`;
    })
    .join("");
}

export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "null";
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}
