/**
 * Every example stack, as synthesized: snapshots catch unintended change (review the diff and
 * run `npx jest -u` when the change is intended), and a scan keeps secrets out of the JSON.
 */
import { synthExampleStacks } from "../support/example-stacks";

const stacks = synthExampleStacks();

test("the examples produce one stack per environment and cloud", () => {
  expect(Object.keys(stacks).sort()).toEqual(["aws-dev", "aws-prod", "gcp-dev", "gcp-prod"]);
});

/** Every [path, string value] whose key names a password or secret payload, at any depth. */
function secretFields(node: unknown, path = ""): [string, unknown][] {
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) => [
    ...(/password|secret_data|secret_string|private_key/i.test(key) && typeof value === "string" ? [[`${path}.${key}`, value] as [string, unknown]] : []),
    ...secretFields(value, `${path}.${key}`),
  ]);
}

test.each(Object.keys(stacks))("%s carries no secret value: only references to generated ones", (id) => {
  const fields = secretFields(stacks[id].json);
  for (const [, value] of fields) {
    expect(value).toMatch(/^\$\{ephemeral\.random_password\.[\w-]+\.result\}$/);
  }
  // GCP hands the generated application password, write-only, to the user and Secret Manager; AWS has none at all.
  expect(fields.map(([path]) => path.split(".").pop()).sort()).toEqual(id.startsWith("gcp-") ? ["password_wo", "secret_data_wo"] : []);
});

test.each(Object.keys(stacks))("%s matches its snapshot", (id) => {
  expect(stacks[id].json).toMatchSnapshot();
});
