/** `npm run diagram`: markdown files per stack, the README section between markers, and errors. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runDiagramCli } from "../../diagram/cli";
import { DiagramKind, embedInReadme, GENERATED_NOTE, readmeSection, README_END, README_START, renderDiagrams, stackDiagram } from "../../diagram/mermaid";
import { ConfigError } from "../../lib/errors";
import { loadEnvironments } from "../../environment/load";
import { EXAMPLE_CONFIG_DIR, synthExampleStacks } from "../support/example-stacks";

const README = ["# Project", "", "Intro.", "", "### Diagrams", "", README_START, "old content", README_END, "", "## After", "Tail text.", ""].join("\n");

let stacks: Record<string, any>;
let tmp: string;
beforeAll(() => {
  stacks = Object.fromEntries(Object.entries(synthExampleStacks()).map(([id, synth]) => [id, synth.json]));
});
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "diagram-test-"));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The config directory's stacks, already synthesized by the run's global setup. */
const exampleStacks = (configDir: string) => {
  expect(configDir).toBe(EXAMPLE_CONFIG_DIR);
  return stacks;
};

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (text: string) => out.push(text), stderr: (text: string) => err.push(text) } };
}

function brokenConfigDir(): string {
  const dir = path.join(tmp, "config");
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "broken.yaml"), "project: web\nunknownField: 1\n");
  return dir;
}

describe("renderDiagrams", () => {
  test("one markdown document per stack: heading, generated note, the request path and the network as fenced mermaid blocks", () => {
    const documents = renderDiagrams(stacks);
    expect(Object.keys(documents)).toEqual(["aws-dev", "aws-prod", "gcp-dev", "gcp-prod"]);
    const fence = (kind: DiagramKind) => `\`\`\`mermaid\n${stackDiagram("aws-prod", stacks["aws-prod"], kind)}\`\`\`\n`;
    expect(documents["aws-prod"]).toBe(
      `# aws-prod\n\n${GENERATED_NOTE}\n\n## Request path\n\n${fence("request path")}\n## Network and egress\n\n${fence("network")}`,
    );
  });

  test("the README section has every stack under a #### heading, in stack order", () => {
    const section = readmeSection(stacks);
    expect(section.match(/^#### .+$/gm)).toEqual(["#### aws-dev", "#### aws-prod", "#### gcp-dev", "#### gcp-prod"]);
    expect(section.match(/^```mermaid$/gm)).toHaveLength(8);
    expect(section.match(/^\*\*.+\*\*$/gm)).toEqual(Array(4).fill(["**Request path**", "**Network and egress**"]).flat());
    expect(section).toContain(stackDiagram("gcp-prod", stacks["gcp-prod"], "request path"));
    expect(section).toContain(stackDiagram("gcp-prod", stacks["gcp-prod"], "network"));
  });
});

describe("embedInReadme", () => {
  test("replaces only the text between the markers", () => {
    const updated = embedInReadme(README, "#### s\n\nnew");
    expect(updated).toBe(
      ["# Project", "", "Intro.", "", "### Diagrams", "", README_START, GENERATED_NOTE, "", "#### s", "", "new", "", README_END, "", "## After", "Tail text.", ""].join("\n"),
    );
    expect(updated).not.toContain("old content");
    // Running it again with the same section changes nothing.
    expect(embedInReadme(updated, "#### s\n\nnew")).toBe(updated);
  });

  test("missing, repeated or reversed markers are an error that says what to add", () => {
    expect(() => embedInReadme("# no markers\n", "x")).toThrow(
      `README: marker ${README_START} is missing; marker ${README_END} is missing (add one ${README_START} line and one ${README_END} line after it where the diagrams go)`,
    );
    expect(() => embedInReadme(`${README_START}\n`, "x")).toThrow(`marker ${README_END} is missing`);
    expect(() => embedInReadme(`${README_END}\n${README_START}\n`, "x")).toThrow(`${README_END} comes before ${README_START}`);
    expect(() => embedInReadme(`${README_START}\n${README_END}\n${README_START}\n`, "x")).toThrow(`marker ${README_START} appears 2 times`);
  });
});

describe("runDiagramCli", () => {
  test("writes diagrams/<stackId>.md for every stack and refreshes the README section", () => {
    const out = path.join(tmp, "diagrams");
    const readme = path.join(tmp, "README.md");
    fs.writeFileSync(readme, README);
    const { io, out: stdout, err } = capture();

    expect(runDiagramCli(["--out", out, "--readme", readme], io, EXAMPLE_CONFIG_DIR, exampleStacks)).toBe(0);
    expect(err).toEqual([]);
    const expected = renderDiagrams(stacks);
    expect(fs.readdirSync(out).sort()).toEqual(["aws-dev.md", "aws-prod.md", "gcp-dev.md", "gcp-prod.md"]);
    for (const [stackId, markdown] of Object.entries(expected)) expect(fs.readFileSync(path.join(out, `${stackId}.md`), "utf8")).toBe(markdown);
    expect(fs.readFileSync(readme, "utf8")).toBe(embedInReadme(README, readmeSection(stacks)));
    expect(stdout).toEqual([
      ...Object.keys(expected).map((stackId) => `wrote ${path.join(out, `${stackId}.md`)}`),
      `updated ${readme} (4 stacks, 8 diagrams)`,
    ]);
  });

  test("removes diagrams it generated for stacks that are gone, and nothing else", () => {
    const out = path.join(tmp, "diagrams");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, "aws-old.md"), `# aws-old\n\n${GENERATED_NOTE}\n`);
    fs.writeFileSync(path.join(out, "notes.md"), "hand-written\n");
    const { io, out: stdout } = capture();
    expect(runDiagramCli(["--out", out], io, EXAMPLE_CONFIG_DIR, exampleStacks)).toBe(0);
    expect(fs.existsSync(path.join(out, "aws-old.md"))).toBe(false);
    expect(fs.readFileSync(path.join(out, "notes.md"), "utf8")).toBe("hand-written\n");
    expect(stdout).toContain(`removed ${path.join(out, "aws-old.md")} (no such stack any more)`);
  });

  test("config errors: the ConfigError lines, exit 1, nothing written", () => {
    const dir = brokenConfigDir();
    let expectedLines: string[] = [];
    try {
      loadEnvironments(dir);
    } catch (error) {
      expectedLines = (error as ConfigError).lines;
    }
    expect(expectedLines.length).toBeGreaterThan(0);
    const out = path.join(tmp, "diagrams");
    const { io, out: stdout, err } = capture();
    expect(runDiagramCli(["--out", out], io, dir)).toBe(1);
    expect(err).toEqual([expectedLines.join("\n"), `${expectedLines.length} problems; no diagram was written.`]);
    expect(stdout).toEqual([]);
    expect(fs.existsSync(out)).toBe(false);
  });

  test("a README without markers: exit 1 before any file is written", () => {
    const out = path.join(tmp, "diagrams");
    const readme = path.join(tmp, "README.md");
    fs.writeFileSync(readme, "# no markers\n");
    const { io, err } = capture();
    expect(runDiagramCli(["--out", out, "--readme", readme], io, EXAMPLE_CONFIG_DIR, exampleStacks)).toBe(1);
    expect(err).toEqual([expect.stringMatching(/^diagram: README: marker <!-- diagrams:start --> is missing/)]);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readFileSync(readme, "utf8")).toBe("# no markers\n");
  });

  test("unknown options are a usage error (exit 2)", () => {
    const { io, err } = capture();
    expect(runDiagramCli(["--output", "x"], io, EXAMPLE_CONFIG_DIR)).toBe(2);
    expect(err[0]).toMatch(/^diagram: Unknown option '--output'/);
    expect(err[0]).toContain("usage: npm run diagram");
  });
});
