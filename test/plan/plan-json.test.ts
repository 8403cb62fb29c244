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
    [["create", "forget"], "create-forget"],
  ])("%j → %s", (actions, expected) => {
    expect(classifyActions(actions)).toBe(expected);
  });

  test("an action list Terraform does not write yet still counts as destructive when it deletes", () => {
    expect(classifyActions(["delete", "update"])).toBe("delete");
    expect(classifyActions(["update", "create", "delete"])).toBe("replace");
  });

  test("forgetting wins over an update in the same list: the object leaves Terraform's management", () => {
    expect(classifyActions(["update", "forget"])).toBe("forget");
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
    [{ format_version: "1.2", resource_changes: {} }, "not a Terraform plan: resource_changes is not a list"],
    [{ name: "web" }, "not a Terraform plan: no resource_changes"],
    [
      { format_version: "1.2", resource_changes: [{ address: "a.b", type: "a", change: { actions: ["create"] } }, { address: "c.d" }] },
      "resource_changes[1] has no address, type and change.actions",
    ],
  ])("%j is refused: %s", (json, message) => {
    expect(() => resourceChanges(json)).toThrow(NotAPlanError);
    expect(() => resourceChanges(json)).toThrow(message);
  });
});

describe("fails closed on plans it cannot fully read", () => {
  const UNSUPPORTED = "(this reader understands 1.x; a newer Terraform may have changed the format: https://developer.hashicorp.com/terraform/internals/json-format)";
  const refusal = (json: unknown) => {
    expect(() => resourceChanges(json)).toThrow(NotAPlanError);
    return (() => {
      try {
        return resourceChanges(json) && "";
      } catch (error) {
        return (error as Error).message;
      }
    })();
  };

  test.each(["1.0", "1.2", "1.10", "1"])("format_version %j is read", (version) => {
    expect(resourceChanges({ format_version: version, resource_changes: [] })).toEqual([]);
  });

  test.each([
    ["missing", { resource_changes: [] }, "format_version is missing, so the plan format is unknown (expected the output of `terraform show -json <planfile>`, format 1.x)"],
    ["missing, with planned_values only", { planned_values: {} }, "format_version is missing, so the plan format is unknown (expected the output of `terraform show -json <planfile>`, format 1.x)"],
    ["a new major", { format_version: "2.0", resource_changes: [] }, `format_version "2.0" is not supported ${UNSUPPORTED}`],
    ["major 0", { format_version: "0.2", resource_changes: [] }, `format_version "0.2" is not supported ${UNSUPPORTED}`],
    ["not text", { format_version: 1.2, resource_changes: [] }, `format_version 1.2 is not supported ${UNSUPPORTED}`],
    ["not a version", { format_version: "1.x-beta", resource_changes: [] }, `format_version "1.x-beta" is not supported ${UNSUPPORTED}`],
  ])("format_version %s: refused", (_what, json, message) => {
    expect(refusal(json)).toBe(message);
  });

  test("resource_changes missing while prior_state has the database: refused, not an empty plan", () => {
    expect(refusal(fixture("aws-dev.no-resource-changes.json"))).toBe(
      "resource_changes is missing but prior_state has 1 resource (aws_db_instance.database_instance_D7FC2283): " +
        "cannot tell what would change (expected the output of `terraform show -json <planfile>`, untrimmed)",
    );
  });

  test("resource_changes missing while planned_values has resources, in child modules too", () => {
    const planned = { root_module: { child_modules: [{ resources: [{ address: "module.data.aws_s3_bucket.assets" }, { address: "module.data.aws_s3_bucket.logs" }] }] } };
    expect(refusal({ format_version: "1.2", planned_values: planned })).toBe(
      "resource_changes is missing but planned_values has 2 resources (module.data.aws_s3_bucket.assets, …): " +
        "cannot tell what would change (expected the output of `terraform show -json <planfile>`, untrimmed)",
    );
  });

  test("resource_changes missing with resource-less planned_values and prior_state: an empty plan", () => {
    expect(resourceChanges({ format_version: "1.2", planned_values: { root_module: {} }, prior_state: { values: { root_module: { resources: [] } } } })).toEqual([]);
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

  test("a plan it cannot fully read is one line naming the file", () => {
    const file = path.join(FIXTURES, "aws-dev.format-2.json");
    expect(problem(file)).toBe(
      `${file}: format_version "2.0" is not supported (this reader understands 1.x; a newer Terraform may have changed the format: https://developer.hashicorp.com/terraform/internals/json-format)`,
    );
  });
});

test.each(FIXTURE_FILES)("guard and summary agree on what %s deletes, replaces and forgets, or both refuse it", (file) => {
  const plan = fixture(file);
  const outcome = (read: () => string[]) => {
    try {
      return read().sort();
    } catch (error) {
      return `refused: ${(error as Error).message}`;
    }
  };
  const names: Record<string, string> = { delete: "destroy", replace: "replace", forget: "forget", "create-forget": "create-forget" };
  const guard = outcome(() => destructiveChanges(plan).map((change) => `${change.address} ${names[change.action]}`));
  const summary = outcome(() =>
    summarizeChanges(plan)
      .filter((change) => Object.values(names).includes(change.action))
      .map((change) => `${change.address} ${change.action}`),
  );
  expect(summary).toEqual(guard);
});
