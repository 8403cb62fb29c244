/**
 * Every generated diagram goes through Mermaid's own parser (the `mermaid` package, in a child
 * process: see diagram/mermaid-parse.ts), so a diagram GitHub would refuse to draw fails here.
 * One process for all diagrams: about 1.5–2 s.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { stackDiagram } from "../../diagram/mermaid";
import { synthExampleStacks } from "../support/example-stacks";

const ROOT = path.join(__dirname, "..", "..");

function mermaidParseErrors(diagrams: Record<string, string>): Record<string, string | null> {
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "diagram", "mermaid-parse.ts")], {
    cwd: ROOT,
    input: JSON.stringify(diagrams),
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`mermaid-parse exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

test("Mermaid parses every example stack's diagram and hand-written edge cases; a broken one fails", () => {
  const diagrams: Record<string, string> = {};
  for (const [id, synth] of Object.entries(synthExampleStacks())) diagrams[id] = stackDiagram(id, synth.json);
  diagrams.empty = stackDiagram("empty", {});
  diagrams.hostile = stackDiagram("hostile", {
    resource: {
      aws_vpc: { "my-vpc": { cidr_block: "10.0.0.0/16", tags: { Name: 'evil"]; end; x-->y %% <script> `|&#' } } },
      aws_subnet: {
        end: { vpc_id: "${aws_vpc.my-vpc.id}", availability_zone: "z1", cidr_block: "10.0.0.0/24", tags: { Tier: "subgraph" } },
        "a-b": { vpc_id: "${aws_vpc.my-vpc.id}", availability_zone: "z2 (a, b) [c] {d}", cidr_block: "10.0.1.0/24", tags: { Tier: "end" } },
      },
    },
  });
  // The control: the check must be able to fail.
  diagrams.broken = `${stackDiagram("aws-dev", synthExampleStacks()["aws-dev"].json)}  subgraph unclosed\n`;

  const errors = mermaidParseErrors(diagrams);
  expect(errors.broken).toMatch(/Parse error|Expecting|unclosed|end/i);
  delete errors.broken;
  expect(errors).toEqual(Object.fromEntries(Object.keys(errors).map((name) => [name, null])));
  expect(Object.keys(errors).sort()).toEqual(["aws-dev", "aws-prod", "empty", "gcp-dev", "gcp-prod", "hostile"]);
});
