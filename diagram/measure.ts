/**
 * Renders the diagrams in headless Chromium and prints each one's size and overlaps:
 * `node --import tsx diagram/measure.ts [--chromium /usr/bin/chromium] [--width 1000] [--svg-dir <dir>] [<config dir> …]`
 *
 * Run by hand (it needs a browser, so it is not part of jest): config/ by default, or the given
 * config directories (e.g. `examples/*`). Mermaid comes from node_modules and is driven by a page
 * that `chromium --headless --dump-dom` loads, so nothing beyond the browser is needed. Sizes are
 * Mermaid's own (the SVG's viewBox at default settings), which GitHub scales down to its ~900 px
 * README column. Overlaps: two nodes, a node and an edge label, two edge labels, a subgraph title and
 * anything else, a node and a subgraph it does not belong to, two subgraphs neither inside the other.
 * --svg-dir writes what Mermaid drew, one SVG per diagram, to look at.
 * Exit code 1 when a diagram is wider than --width or anything overlaps, 2 on bad usage.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseCommandLine, processIo } from "../lib/cli-io";
import { loadEnvironments } from "../environment/load";
import { synthesizeStackJson } from "../stacks/synthesize";
import { stackDiagrams } from "./mermaid";

const USAGE = "usage: node --import tsx diagram/measure.ts [--chromium <path>] [--width <px>] [--svg-dir <dir>] [<config dir> …]";

export interface Measurement {
  width: number;
  height: number;
  overlaps: string[];
  error?: string;
  /** What Mermaid drew. */
  svg?: string;
}

/** Runs in the page: renders every diagram and measures what Mermaid drew. */
const PAGE_SCRIPT = String.raw`
(async () => {
  const out = {};
  mermaid.initialize({ startOnLoad: false, flowchart: { useMaxWidth: false } });
  const box = (element) => { const r = element.getBoundingClientRect(); return { x: r.left, y: r.top, w: r.width, h: r.height }; };
  const meets = (a, b) => a.x < b.x + b.w - 1 && b.x < a.x + a.w - 1 && a.y < b.y + b.h - 1 && b.y < a.y + a.h - 1;
  const inside = (a, b) => a.x >= b.x - 1 && a.y >= b.y - 1 && a.x + a.w <= b.x + b.w + 1 && a.y + a.h <= b.y + b.h + 1;
  let n = 0;
  for (const [name, { text, parents }] of Object.entries(DIAGRAMS)) {
    const host = document.createElement("div");
    document.body.appendChild(host);
    try {
      const { svg } = await mermaid.render("d" + n++, text);
      host.innerHTML = svg;
      const root = host.querySelector("svg");
      const view = root.viewBox.baseVal;
      const idOf = (element) => { const m = /^(?:d\d+-)?flowchart-(.+)-\d+$/.exec(element.id); return m ? m[1] : element.id; };
      const nodes = [...root.querySelectorAll("g.node")].map((g) => ({ id: idOf(g), box: box(g) }));
      const clusters = [...root.querySelectorAll("g.cluster")].map((g) => ({ id: g.id.replace(/^d\d+-/, ""), box: box(g.querySelector("rect")), title: box(g.querySelector(".cluster-label")) }));
      const labels = [...root.querySelectorAll("g.edgeLabel")].map((g, i) => ({ id: "edge label " + (g.textContent || i), box: box(g) })).filter((l) => l.box.w > 0 && l.box.h > 0);
      const ancestors = (id) => { const all = []; for (let p = parents[id]; p; p = parents[p]) all.push(p); return all; };
      const overlaps = [];
      const pairs = (list, other, say) => { for (let i = 0; i < list.length; i++) for (let j = other === list ? i + 1 : 0; j < other.length; j++) if (meets(list[i].box, other[j].box)) overlaps.push(say(list[i], other[j])); };
      pairs(nodes, nodes, (a, b) => "node " + a.id + " / node " + b.id);
      pairs(labels, nodes, (a, b) => a.id + " / node " + b.id);
      pairs(labels, labels, (a, b) => a.id + " / " + b.id);
      const titles = clusters.map((c) => ({ id: "title of " + c.id, box: c.title, of: c.id }));
      titles.forEach((t, i) => { for (const other of [...nodes, ...labels, ...titles.slice(i + 1)]) if (meets(t.box, other.box)) overlaps.push(t.id + " / " + other.id); });
      for (const node of nodes) for (const c of clusters) {
        const member = ancestors(node.id).includes(c.id);
        if (member ? !inside(node.box, c.box) : meets(node.box, c.box)) overlaps.push("node " + node.id + (member ? " sticks out of " : " / subgraph ") + c.id);
      }
      for (let i = 0; i < clusters.length; i++) for (let j = i + 1; j < clusters.length; j++) {
        const [a, b] = [clusters[i], clusters[j]];
        const nested = ancestors(a.id).includes(b.id) || ancestors(b.id).includes(a.id);
        if (nested ? !(inside(a.box, b.box) || inside(b.box, a.box)) : meets(a.box, b.box)) overlaps.push("subgraph " + a.id + " / subgraph " + b.id);
      }
      out[name] = { width: Math.round(view.width), height: Math.round(view.height), overlaps: [...new Set(overlaps)], svg };
    } catch (error) {
      out[name] = { width: 0, height: 0, overlaps: [], error: String(error && error.message || error) };
    }
    host.remove();
  }
  document.getElementById("result").textContent = JSON.stringify(out);
})();
`;

/** Which subgraph each node and subgraph is declared in, read from the text the generator writes. */
export function parentsOf(text: string): Record<string, string> {
  const parents: Record<string, string> = {};
  const open: string[] = [];
  for (const line of text.split("\n").map((raw) => raw.trim())) {
    const subgraph = /^subgraph ([A-Za-z0-9_]+)/.exec(line);
    const node = /^([A-Za-z0-9_]+)[[({]/.exec(line);
    if (line === "end") open.pop();
    else if (subgraph) {
      if (open.length > 0) parents[subgraph[1]] = open[open.length - 1];
      open.push(subgraph[1]);
    } else if (node && open.length > 0) parents[node[1]] = open[open.length - 1];
  }
  return parents;
}

/** Renders `diagrams` (name → Mermaid text) in one headless Chromium run. */
export function measureInChromium(diagrams: Record<string, string>, chromium: string): Record<string, Measurement> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "diagram-measure-"));
  try {
    const mermaidJs = require.resolve("mermaid/dist/mermaid.min.js");
    const data = Object.fromEntries(Object.entries(diagrams).map(([name, text]) => [name, { text, parents: parentsOf(text) }]));
    const page = [
      "<!doctype html><html><head><meta charset='utf-8'></head><body><pre id='result'></pre>",
      `<script src="file://${mermaidJs}"></script>`,
      `<script>const DIAGRAMS = ${JSON.stringify(data).replace(/</g, "\\u003c")};${PAGE_SCRIPT}</script>`,
      "</body></html>",
    ].join("\n");
    const file = path.join(dir, "page.html");
    fs.writeFileSync(file, page);
    const run = spawnSync(
      chromium,
      ["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files", "--virtual-time-budget=120000", "--window-size=1600,1200", `--user-data-dir=${path.join(dir, "profile")}`, "--dump-dom", `file://${file}`],
      { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: 300_000 },
    );
    const match = /<pre id="result">([^<]*)<\/pre>/.exec(run.stdout ?? "");
    if (!match || match[1] === "") throw new Error(`${chromium} rendered nothing (exit ${run.status}): ${(run.stderr ?? "").split("\n").slice(-5).join(" ")}`);
    return JSON.parse(match[1].replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function main(): number {
  const args = parseCommandLine("measure", USAGE, processIo, {
    args: process.argv.slice(2),
    options: { chromium: { type: "string" }, width: { type: "string" }, "svg-dir": { type: "string" }, help: { type: "boolean", short: "h" } },
    strict: true,
    allowPositionals: true,
  });
  if (typeof args === "number") return args;
  const chromium = args.values.chromium ?? "/usr/bin/chromium";
  const limit = Number(args.values.width ?? 1000);
  const dirs = args.positionals.length > 0 ? args.positionals : ["config"];
  const diagrams: Record<string, string> = {};
  for (const dir of dirs) {
    const prefix = dirs.length > 1 || dir !== "config" ? `${path.basename(dir)}/` : "";
    const stacks = synthesizeStackJson(loadEnvironments(dir));
    for (const id of Object.keys(stacks).sort()) {
      for (const [part, text] of Object.entries(stackDiagrams(id, stacks[id]))) diagrams[`${prefix}${id} ${part}`] = text;
    }
  }
  const results = measureInChromium(diagrams, chromium);
  let failed = false;
  for (const [name, result] of Object.entries(results)) {
    const wide = result.width > limit;
    failed ||= wide || result.overlaps.length > 0 || result.error !== undefined;
    const status = result.error ?? `${result.width} × ${result.height} px${wide ? ` (wider than ${limit})` : ""}, ${result.overlaps.length === 0 ? "no overlaps" : `${result.overlaps.length} overlaps`}`;
    processIo.stdout(`${name.padEnd(40)} ${status}`);
    for (const overlap of result.overlaps) processIo.stdout(`    ${overlap}`);
    const svgDir = args.values["svg-dir"];
    if (svgDir !== undefined && result.svg !== undefined) {
      fs.mkdirSync(svgDir, { recursive: true });
      fs.writeFileSync(path.join(svgDir, `${name.replace(/[^A-Za-z0-9-]+/g, "_")}.svg`), result.svg);
    }
  }
  return failed ? 1 : 0;
}

if (require.main === module) process.exitCode = main();
