/**
 * Reads the generated Mermaid back into nodes, edges and subgraphs, strictly (a line the generator
 * should not write fails the test), and the queries the diagram tests share.
 */
import { wrapLine } from "../../diagram/graph";
import { DiagramKind, stackDiagram } from "../../diagram/mermaid";
import { synthExampleStacks } from "../support/example-stacks";

export interface ParsedNode {
  id: string;
  lines: string[];
  shape: string;
  group?: string;
}
export interface ParsedEdge {
  from: string;
  to: string;
  lines: string[];
  dotted: boolean;
}
export interface ParsedDiagram {
  nodes: Map<string, ParsedNode>;
  groups: Map<string, { id: string; title: string; parent?: string }>;
  edges: ParsedEdge[];
  /** `a ~~~ b`: b is laid out below a, with nothing drawn. */
  invisible: [string, string][];
}

const ID = "[A-Za-z0-9_]+";
const NODE_LINE = new RegExp(`^(${ID})(\\(\\(|\\[\\(|\\(\\[|\\{\\{|\\[|\\()"([^"]*)"(\\)\\)|\\)\\]|\\]\\)|\\}\\}|\\]|\\))$`);
const EDGE_LINE = new RegExp(`^(${ID}) (-->|-\\.->)(?:\\|"([^"]*)"\\|)? (${ID})$`);
const INVISIBLE_LINE = new RegExp(`^(${ID}) ~~~ (${ID})$`);
const SUBGRAPH_LINE = new RegExp(`^subgraph (${ID})\\["([^"]*)"\\]$`);
const CLOSING = { "((": "))", "[(": ")]", "([": "])", "{{": "}}", "[": "]", "(": ")" } as Record<string, string>;

function unescape(text: string): string {
  return text.replace(/#quot;/g, '"').replace(/#lt;/g, "<").replace(/#gt;/g, ">").replace(/#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));
}

/** A strict reader of the subset of Mermaid the generator writes: any other line fails the test. */
export function parse(text: string): ParsedDiagram {
  const lines = text.split("\n");
  expect(lines[0]).toBe("flowchart TB");
  expect(lines[lines.length - 1]).toBe("");
  const diagram: ParsedDiagram = { nodes: new Map(), groups: new Map(), edges: [], invisible: [] };
  const open: string[] = [];
  const declared = new Set<string>();
  const declare = (id: string) => {
    if (declared.has(id)) throw new Error(`id ${id} declared twice`);
    declared.add(id);
  };
  for (const raw of lines.slice(1, -1)) {
    const line = raw.trim();
    let match: RegExpExecArray | null;
    if (line.startsWith("%%") || line.startsWith("classDef ") || line.startsWith("class ")) continue;
    if (line === "end") {
      if (open.length === 0) throw new Error("end without subgraph");
      open.pop();
    } else if ((match = SUBGRAPH_LINE.exec(line))) {
      declare(match[1]);
      diagram.groups.set(match[1], { id: match[1], title: unescape(match[2]), parent: open[open.length - 1] });
      open.push(match[1]);
    } else if ((match = NODE_LINE.exec(line))) {
      if (CLOSING[match[2]] !== match[4]) throw new Error(`mismatched shape brackets: ${line}`);
      declare(match[1]);
      diagram.nodes.set(match[1], { id: match[1], lines: match[3].split("<br/>").map(unescape), shape: match[2], group: open[open.length - 1] });
    } else if ((match = EDGE_LINE.exec(line))) {
      diagram.edges.push({ from: match[1], to: match[4], lines: match[3] === undefined ? [] : match[3].split("<br/>").map(unescape), dotted: match[2] === "-.->" });
    } else if ((match = INVISIBLE_LINE.exec(line))) {
      diagram.invisible.push([match[1], match[2]]);
    } else {
      throw new Error(`unexpected Mermaid line: ${raw}`);
    }
  }
  expect(open).toEqual([]);
  for (const [from, to] of [...diagram.edges.map((edge) => [edge.from, edge.to]), ...diagram.invisible]) {
    expect(declared).toContain(from);
    expect(declared).toContain(to);
  }
  return diagram;
}

/** The stack's diagram of that kind, parsed. */
export function diagramOf(stackId: string, json: any, kind: DiagramKind): ParsedDiagram {
  return parse(stackDiagram(stackId, json, kind));
}

export const mermaidId = (type: string, logicalId: string) => `${type}.${logicalId}`.replace(/[^A-Za-z0-9_]/g, "_");

export function nodesWhere(diagram: ParsedDiagram, predicate: (lines: string[]) => boolean): ParsedNode[] {
  return [...diagram.nodes.values()].filter((node) => predicate(node.lines));
}

export function onlyNode(diagram: ParsedDiagram, predicate: (lines: string[]) => boolean): ParsedNode {
  const found = nodesWhere(diagram, predicate);
  if (found.length !== 1) throw new Error(`expected one matching node, found ${found.length}`);
  return found[0];
}

// Labels are wrapped at MAX_LINE characters: predicates read the label as one text.
export const has = (text: string) => (lines: string[]) => lines.includes(text) || lines.join(" ").includes(text);
export const startsWith = (text: string) => (lines: string[]) => lines.join(" ").startsWith(text);
/** The lines as the diagram shows them: each wrapped at MAX_LINE characters. */
export const wrapped = (lines: string[]) => lines.flatMap((line) => wrapLine(line));

export function targets(diagram: ParsedDiagram, from: string): string[] {
  return diagram.edges.filter((edge) => edge.from === from).map((edge) => edge.to);
}

export function sources(diagram: ParsedDiagram, to: string): string[] {
  return diagram.edges.filter((edge) => edge.to === to).map((edge) => edge.from);
}

export function edge(diagram: ParsedDiagram, from: string, to: string): ParsedEdge | undefined {
  return diagram.edges.find((candidate) => candidate.from === from && candidate.to === to);
}

export function groupTitle(diagram: ParsedDiagram, nodeId: string): string | undefined {
  const group = diagram.nodes.get(nodeId)?.group;
  return group === undefined ? undefined : diagram.groups.get(group)?.title;
}

/**
 * Layers of a top-to-bottom layout: each node one below the lowest node with an edge (or
 * invisible link) into it. The layout engine (dagre) ranks the same way or tighter, and puts the
 * nodes of one rank side by side, so the widest layer bounds how many columns the picture has.
 */
export function layers(diagram: ParsedDiagram): string[][] {
  const into = new Map<string, string[]>();
  for (const [from, to] of [...diagram.edges.map((e) => [e.from, e.to] as [string, string]), ...diagram.invisible]) {
    into.set(to, [...(into.get(to) ?? []), from]);
  }
  const rank = new Map<string, number>();
  const rankOf = (id: string, path: Set<string>): number => {
    if (rank.has(id)) return rank.get(id)!;
    if (path.has(id)) throw new Error(`cycle through ${id}`);
    path.add(id);
    const value = Math.max(-1, ...(into.get(id) ?? []).map((from) => rankOf(from, path))) + 1;
    path.delete(id);
    rank.set(id, value);
    return value;
  };
  const result: string[][] = [];
  for (const id of diagram.nodes.keys()) (result[rankOf(id, new Set())] ??= []).push(id);
  return result.map((layer) => layer ?? []);
}

export const clone = (json: any) => JSON.parse(JSON.stringify(json));

/** The example stacks' synthesized JSON, by stack id. */
export function exampleJson(): Record<string, any> {
  return Object.fromEntries(Object.entries(synthExampleStacks()).map(([id, synth]) => [id, synth.json]));
}
