/** environment/environment.schema.json is current, and every environment file points editors at it. */
import * as fs from "fs";
import * as path from "path";
import { JSON_SCHEMA_FILE, renderEnvironmentJsonSchema } from "../../environment/json-schema";

const ROOT = path.join(__dirname, "..", "..");
const committed = fs.existsSync(JSON_SCHEMA_FILE) ? fs.readFileSync(JSON_SCHEMA_FILE, "utf8") : "(missing)";

test("environment/environment.schema.json is current (run `npm run schema`)", () => {
  if (committed !== renderEnvironmentJsonSchema()) {
    throw new Error("environment/environment.schema.json is stale or missing: run `npm run schema` and commit the file");
  }
});

test("it is draft-07 JSON with every top-level field of the environment file", () => {
  const schema = JSON.parse(committed);
  expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
  expect(schema.$id).toBe("environment.schema.json");
  expect(schema.title).toEqual(expect.any(String));
  expect(schema.type).toBe("object");
  expect(schema.additionalProperties).toBe(false);
  expect(Object.keys(schema.properties)).toEqual(
    expect.arrayContaining(["project", "stage", "domain", "dns", "certificate", "loadBalancer", "services", "database", "policy", "dataProtection", "aws", "gcp"]),
  );
  // The input side: fields with defaults may be left out of the file.
  expect(schema.required).toEqual(["project", "stage", "services"]);
});

const environmentFiles = [
  ...fs.readdirSync(path.join(ROOT, "config")).map((name) => path.join("config", name)),
  ...fs
    .readdirSync(path.join(ROOT, "examples"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) => fs.readdirSync(path.join(ROOT, "examples", dir.name)).map((name) => path.join("examples", dir.name, name))),
].filter((file) => /\.ya?ml$/.test(file));

test.each(environmentFiles)("%s starts with the yaml-language-server modeline", (file) => {
  const schemaPath = path.relative(path.dirname(path.join(ROOT, file)), JSON_SCHEMA_FILE).split(path.sep).join("/");
  const firstLine = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n")[0];
  expect(firstLine).toBe(`# yaml-language-server: $schema=${schemaPath}`);
});
