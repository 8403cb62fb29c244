/**
 * Checks synthesized Terraform JSON against the real provider schema (vendored under
 * test/fixtures/provider-schemas), as `terraform validate` would from the schema alone: unknown
 * arguments and blocks, missing required ones, computed-only attributes set, nested block counts
 * and scalar types. What the provider checks in code (allowed values, conflicts) is not covered.
 * Ephemeral blocks (`ephemeral.<type>.<name>`) are checked against `<provider>/ephemeral/<type>.json`, and, as
 * Terraform does, a reference to an ephemeral value is accepted only in a write-only argument of a resource.
 */
import * as fs from "fs";
import * as path from "path";

interface Attribute {
  type: unknown;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  write_only?: boolean;
}
interface Block {
  attributes?: Record<string, Attribute>;
  block_types?: Record<string, { nesting_mode: string; block: Block; min_items?: number; max_items?: number }>;
}

const SCHEMA_DIR = path.join(__dirname, "..", "fixtures", "provider-schemas");
/** Meta-arguments Terraform handles itself, valid on every resource. */
const META_ARGUMENTS = new Set(["lifecycle", "depends_on", "count", "for_each", "provider", "connection", "provisioner", "//"]);

function loadSchema(provider: string, type: string, kind: "resource" | "ephemeral" = "resource"): Block | undefined {
  const file = path.join(SCHEMA_DIR, provider, ...(kind === "ephemeral" ? ["ephemeral"] : []), `${type}.json`);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")).block as Block) : undefined;
}

const isReference = (value: unknown) => typeof value === "string" && value.includes("${");
/** Whether a value (at any depth) refers to an ephemeral resource. */
const refersToEphemeral = (value: unknown): boolean => JSON.stringify(value ?? null).includes("ephemeral.");

function checkType(type: unknown, value: unknown, at: string, problems: string[]): void {
  if (value === null || isReference(value)) return;
  if (type === "string") {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") problems.push(`${at}: expected a string`);
  } else if (type === "number") {
    if (typeof value !== "number" && !(typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value))) problems.push(`${at}: expected a number`);
  } else if (type === "bool") {
    if (typeof value !== "boolean" && value !== "true" && value !== "false") problems.push(`${at}: expected a bool`);
  } else if (Array.isArray(type) && (type[0] === "list" || type[0] === "set")) {
    if (!Array.isArray(value)) problems.push(`${at}: expected a ${type[0]}`);
    else value.forEach((item, index) => checkType(type[1], item, `${at}[${index}]`, problems));
  } else if (Array.isArray(type) && type[0] === "map") {
    if (typeof value !== "object" || Array.isArray(value)) problems.push(`${at}: expected a map`);
    else for (const [key, item] of Object.entries(value as object)) checkType(type[1], item, `${at}.${key}`, problems);
  }
}

function checkBlock(
  block: Block,
  config: Record<string, unknown>,
  at: string,
  problems: string[],
  topLevel: boolean,
  ephemeralAllowed = false,
): void {
  const attributes = block.attributes ?? {};
  const blocks = block.block_types ?? {};
  for (const [key, value] of Object.entries(config)) {
    if (topLevel && META_ARGUMENTS.has(key)) continue;
    const attribute = attributes[key];
    if (attribute) {
      if (!attribute.required && !attribute.optional) problems.push(`${at}.${key}: is computed only and cannot be set`);
      if (!ephemeralAllowed && !attribute.write_only && refersToEphemeral(value)) {
        problems.push(`${at}.${key}: an ephemeral value is only allowed in a write-only argument`);
      }
      checkType(attribute.type, value, `${at}.${key}`, problems);
      continue;
    }
    const nested = blocks[key];
    if (!nested) {
      problems.push(`${at}.${key}: no argument or block type is named "${key}"`);
      continue;
    }
    if (isReference(value)) continue;
    const items = nested.nesting_mode === "single" ? [value] : Array.isArray(value) ? value : [value];
    if (nested.min_items !== undefined && items.length < nested.min_items) problems.push(`${at}.${key}: at least ${nested.min_items} block(s) required`);
    if (nested.max_items !== undefined && items.length > nested.max_items) problems.push(`${at}.${key}: at most ${nested.max_items} block(s) allowed`);
    items.forEach((item, index) => {
      if (typeof item !== "object" || item === null) problems.push(`${at}.${key}[${index}]: expected a block`);
      else checkBlock(nested.block, item as Record<string, unknown>, `${at}.${key}[${index}]`, problems, false, ephemeralAllowed);
    });
  }
  for (const [key, attribute] of Object.entries(attributes)) {
    if (attribute.required && config[key] === undefined) problems.push(`${at}.${key}: is required`);
  }
  for (const [key, nested] of Object.entries(blocks)) {
    if ((nested.min_items ?? 0) > 0 && config[key] === undefined) problems.push(`${at}.${key}: at least ${nested.min_items} block(s) required`);
  }
}

/**
 * Problems of every resource and ephemeral block of the given provider prefix ("google_") in a synthesized stack,
 * one line each ("google_compute_url_map.lb_x.host_rule[0].hostz: no argument …"); empty when valid.
 */
export function schemaProblems(json: any, provider = "google-6.50.0", prefix = "google_"): string[] {
  const problems: string[] = [];
  for (const [type, resources] of Object.entries<Record<string, any>>(json.resource ?? {})) {
    if (!type.startsWith(prefix)) continue;
    const schema = loadSchema(provider, type);
    if (!schema) {
      problems.push(`${type}: no vendored schema in test/fixtures/provider-schemas/${provider}`);
      continue;
    }
    for (const [id, config] of Object.entries(resources)) checkBlock(schema, config, `${type}.${id}`, problems, true);
  }
  for (const [type, blocks] of Object.entries<Record<string, any>>(json.ephemeral ?? {})) {
    if (!type.startsWith(prefix)) continue;
    const schema = loadSchema(provider, type, "ephemeral");
    if (!schema) {
      problems.push(`ephemeral.${type}: no vendored schema in test/fixtures/provider-schemas/${provider}/ephemeral`);
      continue;
    }
    // Ephemeral blocks may take ephemeral values themselves.
    for (const [id, config] of Object.entries(blocks)) checkBlock(schema, config, `ephemeral.${type}.${id}`, problems, true, true);
  }
  return problems;
}
