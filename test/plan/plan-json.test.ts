import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { destructiveChanges } from "../../guard/plan-guard";
import { InputError } from "../../lib/cli-io";
import { classifyActions, NotAPlanError, readPlanFile, resourceChanges } from "../../plan/plan-json";
import { summarizeChanges } from "../../summary/plan-summary";

const FIXTURES = path.join(__dirname, "..", "fixtures", "plans");
const FIXTURE_FILES = fs.readdirSync(FIXTURES).filter((file) => file.endsWith(".json")).sort();
const fixture = (file: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8"));

let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "plan-json-"));
});
afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe("classifyActions", () => {
  test.each([
    [["no-op"], "no-op"],
    [["create"], "create"],
    [["read"], "read"],
    [["update"], "update"],
    [["delete"], "delete"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["forget"], "forget"],
    [["create", "forget"], "create"],
  ])("%j → %s", (actions, expected) => {
    expect(classifyActions(actions)).toBe(expected);
  });

  test("an action list Terraform does not write yet still counts as destructive when it deletes", () => {
    expect(classifyActions(["delete", "update"])).toBe("delete");
    expect(classifyActions(["update", "create", "delete"])).toBe("replace");
  });
});

describe("resourceChanges", () => {
  test("one entry per resource change of a real plan, in plan order, with the raw change kept", () => {
    const plan = fixture("aws-dev.db-replace.json");
    const changes = resourceChanges(plan);
    expect(changes.map((change) => change.address)).toEqual(plan.resource_changes.map((change: any) => change.address));
    const database = changes.find((change) => change.type === "aws_db_instance")!;
    expect(database).toMatchObject({ mode: "managed", action: "replace" });
    expect(database.change.replace_paths).toEqual([["storage_encrypted"]]);
  });

  test("a plan without resource_changes but with planned_values is empty", () => {
    expect(resourceChanges({ format_version: "1.2", planned_values: {} })).toEqual([]);
  });

  test.each([
    [[], "not a Terraform plan: the JSON is not an object"],
    [{ format_version: "1.0", values: {} }, "not a Terraform plan: this is state JSON"],
    [{ resource_changes: {} }, "not a Terraform plan: resource_changes is not a list"],
    [{ name: "web" }, "not a Terraform plan: no resource_changes"],
    [{ resource_changes: [{ address: "a.b", type: "a", change: { actions: ["create"] } }, { address: "c.d" }] }, "resource_changes[1] has no address, type and change.actions"],
  ])("%j is refused: %s", (json, message) => {
    expect(() => resourceChanges(json)).toThrow(NotAPlanError);
    expect(() => resourceChanges(json)).toThrow(message);
  });
});

describe("readPlanFile", () => {
  const write = (name: string, content: string) => {
    const file = path.join(scratch, name);
    fs.writeFileSync(file, content);
    return file;
  };
  const problem = (file: string) => {
    try {
      readPlanFile(file);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return (error as Error).message;
    }
    throw new Error(`${file} was read as a plan`);
  };

  test("returns the plan JSON", () => {
    expect(readPlanFile(path.join(FIXTURES, "aws-dev.create.json"))).toEqual(fixture("aws-dev.create.json"));
  });

  test("every problem is one line naming the file", () => {
    const binary = write("plan.tfplan", "PK\u0003\u0004rest of a zip");
    expect(problem(binary)).toBe(`${binary}: this is a binary plan file; convert it first: terraform show -json ${binary} > plan.json`);
    const broken = write("broken.json", "{nope");
    expect(problem(broken)).toMatch(new RegExp(`^${broken}: not valid JSON \\(.+\\); expected the output of \`terraform show -json <planfile>\`$`));
    const state = write("state.json", JSON.stringify({ format_version: "1.0", values: {} }));
    expect(problem(state)).toBe(
      `${state}: not a Terraform plan: this is state JSON (\`terraform show -json\` without a plan file); expected the output of \`terraform show -json <planfile>\``,
    );
    expect(problem(path.join(scratch, "missing.json"))).toBe(`${path.join(scratch, "missing.json")}: cannot read: file not found`);
  });
});

test.each(FIXTURE_FILES)("guard and summary agree on what %s deletes and replaces", (file) => {
  const plan = fixture(file);
  const guard = destructiveChanges(plan).map((change) => `${change.address} ${change.action === "delete" ? "destroy" : "replace"}`);
  const summary = summarizeChanges(plan)
    .filter((change) => change.action === "destroy" || change.action === "replace")
    .map((change) => `${change.address} ${change.action}`);
  expect(summary.sort()).toEqual(guard.sort());
});
