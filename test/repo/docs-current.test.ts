/** The README and committed diagrams show what the code synthesizes today. */
import * as fs from "fs";
import * as path from "path";
import { embedInReadme, readmeSection, renderDiagrams } from "../../diagram/mermaid";
import { ALL_RULES } from "../../policy/rules";
import { synthExampleStacks } from "../support/example-stacks";

const ROOT = path.join(__dirname, "..", "..");
const stacks = Object.fromEntries(Object.entries(synthExampleStacks()).map(([id, stack]) => [id, stack.json]));

test("README's architecture diagrams are current (run `npm run diagram` after changing a stack)", () => {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  expect(embedInReadme(readme, readmeSection(stacks))).toBe(readme);
});

test.each(Object.keys(stacks))("diagrams/%s.md is current", (id) => {
  expect(fs.readFileSync(path.join(ROOT, "diagrams", `${id}.md`), "utf8")).toBe(renderDiagrams(stacks)[id]);
});

test("the README's rule count and policy/README.md's rule table match the policy pack", () => {
  const rules = ALL_RULES.map((rule) => rule.id);
  expect(fs.readFileSync(path.join(ROOT, "README.md"), "utf8")).toContain(`**2. Policy pack at synth.** ${rules.length} rules`);
  const table = fs.readFileSync(path.join(ROOT, "policy", "README.md"), "utf8");
  for (const id of rules) expect(table).toContain(`| ${id} |`);
});
