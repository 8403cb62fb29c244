/**
 * A JSON Schema of the environment file, generated from `environmentSchema` (schema.ts) so editors
 * can complete and flag fields: every config/*.yaml and examples/<name>/*.yaml starts with
 *
 *   # yaml-language-server: $schema=../environment/environment.schema.json
 *
 * (`../../environment/…` in examples/), which the YAML extension (redhat.vscode-yaml) and other
 * yaml-language-server clients read.
 * test/repo/json-schema.test.ts fails when the committed file is stale (`npm run schema`
 * rewrites it).
 *
 *   npm run schema          # rewrite environment/environment.schema.json
 *
 * What it cannot say (zod's toJSONSchema has no JSON Schema form for them; synth and guard still
 * check them): refinements (the routed paths' characters), the `version` transform (a number is
 * accepted and becomes a string), `trim()` before a minimum length, and every check between fields
 * in validate*.ts (subnets inside the VPC, hostnames inside the domain, …). Field descriptions are
 * only those given to zod (`.describe()`); the JSDoc comments in schema.ts are invisible to zod.
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { environmentSchema } from "./schema";

const DRAFT_07_FORMATS = new Set([
  "date-time", "date", "time", "email", "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6", "uri", "uri-reference",
  "iri", "iri-reference", "uri-template", "json-pointer", "relative-json-pointer", "regex",
]);

export const JSON_SCHEMA_FILE = path.join(__dirname, "environment.schema.json");

/**
 * draft-07: the draft yaml-language-server (and so VS Code's YAML extension) validates; 2019-09 and
 * 2020-12 are not supported there. The input side: fields with defaults are optional, as in the file.
 */
export function environmentJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(environmentSchema, {
    target: "draft-7",
    io: "input",
    // zod names some string checks as formats draft-07 does not define (`startsWith` → "starts_with",
    // next to the pattern that says the same); validators such as ajv refuse an unknown format.
    override: ({ jsonSchema }) => {
      if (typeof jsonSchema.format === "string" && !DRAFT_07_FORMATS.has(jsonSchema.format)) delete jsonSchema.format;
    },
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: "environment.schema.json",
    title: "web-backend-infra environment file (config/<env>.yaml)",
    description:
      "One cloud-neutral application spec plus one section per cloud. Generated from environment/schema.ts by `npm run schema`; checks between fields are left to synth. Field reference: README.md#configuration-reference",
    ...rest,
  };
}

/** The file's content: two-space indentation, a final newline. */
export function renderEnvironmentJsonSchema(): string {
  return `${JSON.stringify(environmentJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  const text = renderEnvironmentJsonSchema();
  fs.writeFileSync(JSON_SCHEMA_FILE, text);
  process.stdout.write(`wrote ${path.relative(process.cwd(), JSON_SCHEMA_FILE)} (${text.length} bytes)\n`);
}
