/**
 * The diagram's graph: nodes, subgraphs and edges keyed by resource address, rendered as a
 * Mermaid flowchart, and the label wording both clouds share. Knows Mermaid, not Terraform types.
 */
import { StackResource } from "../lib/terraform-json";

export type Shape = "box" | "round" | "stadium" | "cylinder" | "circle" | "hexagon";
export type NodeClass = "external" | "frontend" | "compute" | "data" | "network";

interface GraphNode {
  readonly id: string;
  readonly lines: string[];
  readonly shape: Shape;
  readonly cls: NodeClass;
  readonly group?: string;
}

interface GraphGroup {
  readonly id: string;
  readonly lines: string[];
  readonly parent?: string;
}

interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly lines: string[];
  readonly dotted: boolean;
}

const SHAPES: Record<Shape, [string, string]> = {
  box: ["[", "]"],
  round: ["(", ")"],
  stadium: ["([", "])"],
  cylinder: ["[(", ")]"],
  circle: ["((", "))"],
  hexagon: ["{{", "}}"],
};

const CLASS_STYLES: Record<NodeClass, string> = {
  external: "fill:#f5f5f5,stroke:#616161",
  frontend: "fill:#e3f2fd,stroke:#1565c0",
  compute: "fill:#fff3e0,stroke:#e65100",
  data: "fill:#ede7f6,stroke:#4527a0",
  network: "fill:#e8f5e9,stroke:#2e7d32",
};

// Words the flowchart grammar reserves; an id equal to one of them breaks the parse.
const RESERVED_IDS = new Set(["end", "subgraph", "graph", "flowchart", "style", "class", "classdef", "click", "linkstyle", "direction", "default"]);

/** Makes text safe inside a quoted Mermaid label (`["…"]`, `|"…"|`). */
export function escapeMermaidText(text: string): string {
  return text
    .replace(/#/g, "#35;")
    .replace(/"/g, "#quot;")
    .replace(/&/g, "#38;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/\|/g, "#124;")
    .replace(/`/g, "#96;")
    .replace(/%/g, "#37;")
    .replace(/[\r\n]+/g, " ");
}

/**
 * Longest label line, in characters. Top-to-bottom layouts put up to three services side by side;
 * at ~7.5 px per character three 24-character columns take ~850 px (measured: ~220 px per node).
 */
export const MAX_LINE = 24;

/**
 * Most successors of one node drawn side by side. A node with more (a listener with five rules)
 * has the others stacked below the first ones' chains by invisible links, so a diagram stays about
 * MAX_SIDE_BY_SIDE columns wide, whatever the number of services.
 */
export const MAX_SIDE_BY_SIDE = 3;

/** Breaks a label line longer than `max` after ", " or at spaces; a single longer word stays whole. */
export function wrapLine(line: string, max = MAX_LINE): string[] {
  if (line.length <= max) return [line];
  const words = line.split(/(?<=,) | /);
  const lines: string[] = [];
  let current = "";
  for (const word of words) {
    const joined = current === "" ? word : `${current} ${word}`;
    if (joined.length <= max || current === "") current = joined;
    else {
      lines.push(current);
      current = word;
    }
  }
  lines.push(current);
  return lines;
}

export { counted } from "../lib/text";

/** Quoted label with one `<br/>` per line. */
export function mermaidLabel(lines: string[]): string {
  return `"${lines.map(escapeMermaidText).join("<br/>")}"`;
}

/** Sanitizes a resource address to `[A-Za-z0-9_]` and keeps ids unique per diagram. */
class IdRegistry {
  private readonly byKey = new Map<string, string>();
  private readonly used = new Set<string>();

  id(key: string): string {
    const known = this.byKey.get(key);
    if (known) return known;
    let base = key.replace(/[^A-Za-z0-9_]/g, "_");
    if (!/^[A-Za-z]/.test(base) || RESERVED_IDS.has(base.toLowerCase())) base = `n_${base}`;
    let candidate = base;
    for (let suffix = 2; this.used.has(candidate); suffix++) candidate = `${base}_${suffix}`;
    this.used.add(candidate);
    this.byKey.set(key, candidate);
    return candidate;
  }
}

export class Graph {
  private readonly ids = new IdRegistry();
  private readonly nodes = new Map<string, GraphNode>();
  private readonly groups = new Map<string, GraphGroup>();
  private readonly edges: GraphEdge[] = [];
  private readonly edgeKeys = new Set<string>();

  /** Mermaid id of a node or group key (created on first use). */
  id(key: string): string {
    return this.ids.id(key);
  }

  hasGroup(key: string): boolean {
    return this.groups.has(this.id(key));
  }

  node(key: string, lines: string[], shape: Shape, cls: NodeClass, groupKey?: string): void {
    const id = this.id(key);
    if (this.nodes.has(id)) return;
    const group = groupKey !== undefined && this.hasGroup(groupKey) ? this.id(groupKey) : undefined;
    this.nodes.set(id, { id, lines, shape, cls, group });
  }

  group(key: string, lines: string[], parentKey?: string): void {
    const id = this.id(key);
    if (this.groups.has(id)) return;
    const parent = parentKey !== undefined && this.hasGroup(parentKey) ? this.id(parentKey) : undefined;
    this.groups.set(id, { id, lines, parent });
  }

  edge(fromKey: string, toKey: string, lines: string[] = [], dotted = false): void {
    const from = this.id(fromKey);
    const to = this.id(toKey);
    const signature = `${from}|${to}|${lines.join("\n")}|${dotted}`;
    if (this.edgeKeys.has(signature)) return;
    this.edgeKeys.add(signature);
    this.edges.push({ from, to, lines, dotted });
  }

  render(title: string): string {
    const out = ["flowchart TB", `  %% ${title.replace(/[\r\n]+/g, " ")}`];
    const renderNode = (node: GraphNode, indent: string) => {
      const [open, close] = SHAPES[node.shape];
      out.push(`${indent}${node.id}${open}${mermaidLabel(node.lines.flatMap((line) => wrapLine(line)))}${close}`);
    };
    const renderGroup = (group: GraphGroup, indent: string) => {
      // Subgraph titles are laid out on one line: a second line would overlap the first node.
      out.push(`${indent}subgraph ${group.id}[${mermaidLabel([group.lines.join(" · ")])}]`);
      for (const node of this.nodes.values()) if (node.group === group.id) renderNode(node, `${indent}  `);
      for (const child of this.groups.values()) if (child.parent === group.id) renderGroup(child, `${indent}  `);
      out.push(`${indent}end`);
    };
    for (const node of this.nodes.values()) if (node.group === undefined) renderNode(node, "  ");
    for (const group of this.groups.values()) if (group.parent === undefined) renderGroup(group, "  ");
    // Edges whose ends were never declared would create bare, unlabeled nodes: leave them out.
    const declared = new Set([...this.nodes.keys(), ...this.groups.keys()]);
    const visible = this.edges.filter((edge) => declared.has(edge.from) && declared.has(edge.to));
    for (const edge of visible) {
      const arrow = edge.dotted ? "-.->" : "-->";
      const label = edge.lines.length > 0 ? `|${mermaidLabel(edge.lines.flatMap((line) => wrapLine(line)))}| ` : " ";
      out.push(`  ${edge.from} ${arrow}${label}${edge.to}`);
    }
    for (const [above, below] of stackings(visible)) out.push(`  ${above} ~~~ ${below}`);
    for (const cls of Object.keys(CLASS_STYLES) as NodeClass[]) {
      const members = [...this.nodes.values()].filter((node) => node.cls === cls).map((node) => node.id);
      if (members.length === 0) continue;
      out.push(`  classDef ${cls} ${CLASS_STYLES[cls]}`);
      out.push(`  class ${members.join(",")} ${cls}`);
    }
    return `${out.join("\n")}\n`;
  }
}

/**
 * Invisible links that put a node's successors beyond the first MAX_SIDE_BY_SIDE below the chains
 * of the ones before: successor i hangs under the end of successor i − MAX_SIDE_BY_SIDE's chain
 * (followed while each step has one successor that nothing else points to). A link that would
 * close a cycle is left out.
 */
function stackings(edges: GraphEdge[]): [string, string][] {
  const next = new Map<string, string[]>();
  const into = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    if (!(next.get(from) ?? []).includes(to)) next.set(from, [...(next.get(from) ?? []), to]);
    into.set(to, new Set([...(into.get(to) ?? []), from]));
  }
  const chainEnd = (start: string) => {
    const seen = new Set([start]);
    let node = start;
    for (;;) {
      const after = next.get(node) ?? [];
      if (after.length !== 1 || into.get(after[0])!.size !== 1 || seen.has(after[0])) return node;
      node = after[0];
      seen.add(node);
    }
  };
  const links: [string, string][] = [];
  const reaches = (from: string, to: string) => {
    const stack = [from];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node === to) return true;
      if (seen.has(node)) continue;
      seen.add(node);
      stack.push(...(next.get(node) ?? []), ...links.filter(([above]) => above === node).map(([, below]) => below));
    }
    return false;
  };
  for (const successors of [...next.values()]) {
    for (let index = MAX_SIDE_BY_SIDE; index < successors.length; index++) {
      const above = chainEnd(successors[index - MAX_SIDE_BY_SIDE]);
      if (!reaches(successors[index], above)) links.push([above, successors[index]]);
    }
  }
  return links;
}

export const INTERNET = "internet";
export const INTERNET_EGRESS = "internet-egress";

export function addInternet(graph: Graph): void {
  graph.node(INTERNET, ["Internet", "clients"], "circle", "external");
}

export function addInternetEgress(graph: Graph): void {
  graph.node(INTERNET_EGRESS, ["Internet", "egress"], "circle", "external");
}

// Label wording both clouds use, so the same kind of value reads the same in every diagram.

export function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

export function displayName(resource: StackResource): string {
  const config = resource.config;
  const name = config.name ?? config.identifier ?? config.tags?.Name ?? config.secret_id;
  return typeof name === "string" && !name.startsWith("${") ? name : resource.logicalId;
}

export function isString(value: unknown): value is string {
  return typeof value === "string";
}

/** A value fit for display: references that cannot be followed show as "(computed)". */
export function shown(value: unknown): string {
  if (value === undefined || value === null) return "?";
  const text = String(value);
  return text.includes("${") ? "(computed)" : text;
}

export function range(min: unknown, max: unknown): string {
  return min === max ? `${shown(min)}` : `${shown(min)}–${shown(max)}`;
}

export function listOrNone(values: string[]): string {
  return values.length > 0 ? values.join(", ") : "none";
}
