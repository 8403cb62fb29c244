/**
 * Every generated diagram goes through Mermaid's own parser (the `mermaid` package, in a child
 * process: see diagram/mermaid-parse.ts), so a diagram GitHub would refuse to draw fails here.
 * One process for all diagrams: about 1.5–2 s.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { stackDiagram, stackDiagrams } from "../../diagram/mermaid";
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

test("Mermaid parses both diagrams of every example stack and hand-written edge cases; a broken one fails", () => {
  const diagrams: Record<string, string> = {};
  for (const [id, synth] of Object.entries(synthExampleStacks())) {
    for (const [kind, text] of Object.entries(stackDiagrams(id, synth.json))) diagrams[`${id} ${kind}`] = text;
  }
  diagrams.empty = stackDiagram("empty", {}, "network");
  // Invisible links (more services than fit side by side) parse too.
  const services = ["a", "b", "c", "d"];
  diagrams.stacked = stackDiagram("stacked", {
    resource: {
      aws_lb: { lb: { name: "lb" } },
      aws_lb_listener: { l: { load_balancer_arn: "${aws_lb.lb.arn}", port: 80, protocol: "HTTP", default_action: [{ type: "fixed-response", fixed_response: { status_code: "404" } }] } },
      aws_lb_listener_rule: Object.fromEntries(services.map((name) => [name, { listener_arn: "${aws_lb_listener.l.arn}", condition: [{ path_pattern: { values: [`/${name}`] } }], action: [{ type: "forward", target_group_arn: `\${aws_lb_target_group.${name}.arn}` }] }])),
      aws_lb_target_group: Object.fromEntries(services.map((name) => [name, { name, port: 80 }])),
    },
  }, "request path");
  expect(diagrams.stacked).toContain(" ~~~ ");
  diagrams.hostile = stackDiagram("hostile", {
    resource: {
      aws_vpc: { "my-vpc": { cidr_block: "10.0.0.0/16", tags: { Name: 'evil"]; end; x-->y %% <script> `|&#' } } },
      aws_subnet: {
        end: { vpc_id: "${aws_vpc.my-vpc.id}", availability_zone: "z1", cidr_block: "10.0.0.0/24", tags: { Tier: "subgraph" } },
        "a-b": { vpc_id: "${aws_vpc.my-vpc.id}", availability_zone: "z2 (a, b) [c] {d}", cidr_block: "10.0.1.0/24", tags: { Tier: "end" } },
      },
    },
  }, "network");
  // The control: the check must be able to fail.
  diagrams.broken = `${stackDiagram("aws-dev", synthExampleStacks()["aws-dev"].json, "network")}  subgraph unclosed\n`;

  const errors = mermaidParseErrors(diagrams);
  expect(errors.broken).toMatch(/Parse error|Expecting|unclosed|end/i);
  delete errors.broken;
  expect(errors).toEqual(Object.fromEntries(Object.keys(errors).map((name) => [name, null])));
  expect(Object.keys(errors).sort()).toEqual([
    "aws-dev network", "aws-dev request path", "aws-prod network", "aws-prod request path", "empty",
    "gcp-dev network", "gcp-dev request path", "gcp-prod network", "gcp-prod request path", "hostile", "stacked",
  ]);
});
