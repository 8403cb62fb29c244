/**
 * Checks synthesized Terraform JSON against the real provider schemas (vendored under test/fixtures/provider-schemas,
 * refreshed by scripts/vendor-provider-schemas.ts), as `terraform validate` would from the schemas alone:
 * - unknown arguments and blocks, missing required ones, computed-only attributes set, nested block counts, literal
 *   types (string, number, bool, list, set, map, object, tuple);
 * - `lifecycle` arguments and `ignore_changes` paths, `depends_on` and `replace_triggered_by` targets, `provider`
 *   meta-arguments naming a configured provider;
 * - every `${type.name.attr}` reference: the resource is declared and its type has that attribute or block;
 * - every string's template sequences: `${…}`/`%{…}` terminate and hold a plausible expression (`$${`, `%%{` escape);
 * - ephemeral blocks (`<provider>/ephemeral/<type>.json`); as in Terraform, an ephemeral value is accepted only in a
 *   write-only argument of a resource.
 * What the provider checks in code (allowed values, conflicts) is not covered.
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
interface NestedBlock {
  nesting_mode: string;
  block: Block;
  min_items?: number;
  max_items?: number;
}
interface Block {
  attributes?: Record<string, Attribute>;
  block_types?: Record<string, NestedBlock>;
}
type Kind = "resource" | "data" | "ephemeral";

export const SCHEMA_DIR = path.join(__dirname, "..", "fixtures", "provider-schemas");
/**
 * Vendored folder per provider: the provider versions the prebuilt bindings wrap (@cdktf/provider-aws 21.22.1,
 * @cdktf/provider-google 16.12.1, @cdktf/provider-random 12.0.1; test/stacks/provider-schemas.test.ts checks this).
 */
export const PROVIDER_FOLDERS: Record<string, string> = { aws: "aws-6.25.0", google: "google-6.50.0", random: "random-3.7.2" };
/** Terraform's built-in `terraform_data` (terraform.io/builtin/terraform), which no provider schema holds. */
const BUILTIN: Record<string, Block> = {
  terraform_data: {
    attributes: {
      id: { type: "string", computed: true },
      input: { type: "dynamic", optional: true },
      output: { type: "dynamic", computed: true },
      triggers_replace: { type: "dynamic", optional: true },
    },
  },
};
/** Meta-arguments Terraform handles itself, valid on every resource. */
const META_ARGUMENTS = new Set(["lifecycle", "depends_on", "count", "for_each", "provider", "connection", "provisioner", "//"]);
const LIFECYCLE_ARGUMENTS = new Set(["create_before_destroy", "prevent_destroy", "ignore_changes", "replace_triggered_by", "precondition", "postcondition"]);
const SECTIONS: Record<Kind, string> = { resource: "resource", data: "data", ephemeral: "ephemeral" };

const cache = new Map<string, Block | undefined>();
function loadSchema(folder: string, type: string, kind: Kind | "provider"): Block | undefined {
  const file =
    kind === "provider" ? path.join(SCHEMA_DIR, folder, "provider.json") : path.join(SCHEMA_DIR, folder, ...(kind === "resource" ? [] : [kind]), `${type}.json`);
  if (!cache.has(file)) cache.set(file, fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")).block as Block) : undefined);
  return cache.get(file);
}
/** The vendored folder of the provider that owns a type ("aws_vpc" → "aws-6.25.0"). */
const folderOf = (type: string): string | undefined => PROVIDER_FOLDERS[type.split("_")[0]];
function schemaOf(type: string, kind: Kind): Block | undefined {
  if (kind === "resource" && BUILTIN[type]) return BUILTIN[type];
  const folder = folderOf(type);
  return folder ? loadSchema(folder, type, kind) : undefined;
}

const isReference = (value: unknown) => typeof value === "string" && value.includes("${");
/** Whether a value (at any depth) refers to an ephemeral resource. */
const refersToEphemeral = (value: unknown): boolean => JSON.stringify(value ?? null).includes("ephemeral.");
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function checkType(type: unknown, value: unknown, at: string, problems: string[]): void {
  if (value === null || value === undefined || type === "dynamic" || isReference(value)) return;
  const [kind, element, optional] = Array.isArray(type) ? type : [type];
  if (kind === "string") {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") problems.push(`${at}: expected a string`);
  } else if (kind === "number") {
    if (typeof value !== "number" && !(typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value))) problems.push(`${at}: expected a number`);
  } else if (kind === "bool") {
    if (typeof value !== "boolean" && value !== "true" && value !== "false") problems.push(`${at}: expected a bool`);
  } else if (kind === "list" || kind === "set") {
    if (!Array.isArray(value)) problems.push(`${at}: expected a ${kind}`);
    else value.forEach((item, index) => checkType(element, item, `${at}[${index}]`, problems));
  } else if (kind === "map") {
    if (!isObject(value)) problems.push(`${at}: expected a map`);
    else for (const [key, item] of Object.entries(value)) checkType(element, item, `${at}.${key}`, problems);
  } else if (kind === "tuple") {
    if (!Array.isArray(value) || value.length !== (element as unknown[]).length) problems.push(`${at}: expected a tuple of ${(element as unknown[]).length}`);
    else value.forEach((item, index) => checkType((element as unknown[])[index], item, `${at}[${index}]`, problems));
  } else if (kind === "object") {
    if (!isObject(value)) return void problems.push(`${at}: expected an object`);
    const fields = element as Record<string, unknown>;
    for (const [key, item] of Object.entries(value)) {
      if (key in fields) checkType(fields[key], item, `${at}.${key}`, problems);
      else problems.push(`${at}.${key}: the object type has no attribute "${key}"`);
    }
    const optionalFields = new Set((optional as string[] | undefined) ?? []);
    for (const key of Object.keys(fields)) if (!(key in value) && !optionalFields.has(key)) problems.push(`${at}.${key}: attribute "${key}" is required by the object type`);
  }
}

function checkBlock(block: Block, config: Record<string, unknown>, at: string, problems: string[], topLevel: boolean, ephemeralAllowed = false): void {
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
      if (!isObject(item)) problems.push(`${at}.${key}[${index}]: expected a block`);
      else checkBlock(nested.block, item, `${at}.${key}[${index}]`, problems, false, ephemeralAllowed);
    });
  }
  for (const [key, attribute] of Object.entries(attributes)) {
    if (attribute.required && config[key] === undefined) problems.push(`${at}.${key}: is required`);
  }
  for (const [key, nested] of Object.entries(blocks)) {
    if ((nested.min_items ?? 0) > 0 && config[key] === undefined) problems.push(`${at}.${key}: at least ${nested.min_items} block(s) required`);
  }
}

interface Scanned {
  end: number;
  problem?: string;
}
/**
 * Scans a template (a JSON string, or from `"` a quoted string inside an expression) from `start`; the expression
 * text of every `${…}` (quoted strings blanked) is pushed to `expressions`.
 */
function scanTemplate(text: string, start: number, quoted: boolean, expressions: string[]): Scanned {
  let index = start;
  while (index < text.length) {
    if (quoted && text[index] === "\\") index += 2;
    else if (text.startsWith("$${", index) || text.startsWith("%%{", index)) index += 3;
    else if (text.startsWith("${", index) || text.startsWith("%{", index)) {
      const scanned = scanExpression(text, index + 2, text[index] === "%", expressions);
      if (scanned.problem) return scanned;
      index = scanned.end;
    } else if (quoted && text[index] === '"') return { end: index + 1 };
    else index += 1;
  }
  return quoted ? { end: index, problem: `unterminated quoted string in a template expression` } : { end: index };
}

const DIRECTIVES = /^(if|for|else|endif|endfor)\b/;
function scanExpression(text: string, start: number, directive: boolean, expressions: string[]): Scanned {
  const sequence = `${directive ? "%" : "$"}{${text.slice(start, start + 24)}${text.length > start + 24 ? "…" : ""}`;
  let depth = 0;
  let code = "";
  for (let index = start; index < text.length; ) {
    const char = text[index];
    if (char === '"') {
      const scanned = scanTemplate(text, index + 1, true, expressions);
      if (scanned.problem) return scanned;
      code += '""';
      index = scanned.end;
      continue;
    }
    if (char === "}" && depth === 0) {
      const body = code.trim().replace(/^~\s*/, "").replace(/\s*~$/, "");
      if (directive ? !DIRECTIVES.test(body) : !/^[A-Za-z_0-9"([{!-]/.test(body)) {
        return { end: index, problem: `"${sequence}" is not a valid template ${directive ? "directive" : "expression"} (escape a literal one as ${directive ? "%%{" : "$${"})` };
      }
      if (!directive && /^[A-Za-z_][\w-]*$/.test(body) && !["true", "false", "null"].includes(body)) {
        return { end: index, problem: `"\${${body}}" is not a valid reference (escape a literal one as $\${${body}})` };
      }
      expressions.push(code);
      return { end: index + 1 };
    }
    if (char === "{") depth += 1;
    if (char === "}") depth -= 1;
    code += char;
    index += 1;
  }
  return { end: text.length, problem: `unterminated template sequence "${sequence}" (escape a literal one as ${directive ? "%%{" : "$${"})` };
}

/** Problems of one string in Terraform's JSON syntax: its template sequences, and the references they hold. */
export function templateProblems(text: string): { problem?: string; expressions: string[] } {
  const expressions: string[] = [];
  const { problem } = scanTemplate(text, 0, false, expressions);
  return { problem, expressions };
}

const REFERENCE = /(?<![\w.\]-])(?:(data|ephemeral)\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][\w-]*)((?:\[[^\]]*\]|\.\*)*)(?:\.([A-Za-z_][\w-]*))?/g;

/** References in one expression to resources that are not declared, or to attributes their type does not have. */
function checkReferences(json: any, expression: string, at: string, problems: string[]): void {
  for (const [, prefix, type, name, , attribute] of expression.matchAll(REFERENCE)) {
    const kind: Kind = (prefix as Kind | undefined) ?? "resource";
    if (!folderOf(type) && !BUILTIN[type] && !json[SECTIONS[kind]]?.[type]) continue;
    const label = `${prefix ? `${prefix}.` : ""}${type}.${name}`;
    if (!json[SECTIONS[kind]]?.[type]?.[name]) {
      problems.push(`${at}: refers to ${label}, which is not declared`);
      continue;
    }
    const schema = schemaOf(type, kind);
    if (attribute && schema && !schema.attributes?.[attribute] && !schema.block_types?.[attribute]) {
      problems.push(`${at}: refers to ${label}.${attribute}, but ${type} has no attribute or block "${attribute}"`);
    }
  }
}

/** Template and reference problems of every string in a value (keys "//" are comments). */
function checkStrings(json: any, value: unknown, at: string, problems: string[]): void {
  if (typeof value === "string") {
    const { problem, expressions } = templateProblems(value);
    if (problem) problems.push(`${at}: ${problem}`);
    for (const expression of expressions) checkReferences(json, expression, at, problems);
  } else if (Array.isArray(value)) value.forEach((item, index) => checkStrings(json, item, `${at}[${index}]`, problems));
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) if (key !== "//") checkStrings(json, item, `${at}.${key}`, problems);
}

/** Whether `settings[0].disk_size` names an argument or block of the schema (indexes skipped). */
function pathExists(block: Block, target: string): boolean {
  let current: Block | undefined = block;
  for (const [segment] of target.matchAll(/[A-Za-z_][\w-]*|\[[^\]]*\]/g)) {
    if (segment.startsWith("[")) continue;
    if (!current) return true; // inside an attribute's value: keys of maps and objects are not checked
    if (current.attributes?.[segment]) current = undefined;
    else if (current.block_types?.[segment]) current = current.block_types[segment].block;
    else return false;
  }
  return true;
}

const stripTemplate = (entry: string) => entry.replace(/^\$\{(.*)\}$/s, "$1");
/** `depends_on` / `replace_triggered_by` targets: declared resources (or data sources, modules). */
function checkTargets(json: any, entries: unknown, at: string, problems: string[], attributesAllowed: boolean): void {
  if (entries === undefined) return;
  if (!Array.isArray(entries)) return void problems.push(`${at}: expected a list of references`);
  for (const entry of entries) {
    const target = typeof entry === "string" ? stripTemplate(entry) : "";
    const match = /^(?:(data|ephemeral)\.)?([\w-]+)\.([\w-]+)(\[[^\]]*\])?(\..+)?$/.exec(target);
    if (match?.[2] === "module") {
      if (!json.module?.[match[3]]) problems.push(`${at}: "${entry}" is not declared in this stack`);
    } else if (!match || (match[5] && !attributesAllowed)) problems.push(`${at}: "${entry}" is not a reference to a resource`);
    else if (!json[SECTIONS[(match[1] as Kind | undefined) ?? "resource"]]?.[match[2]]?.[match[3]]) problems.push(`${at}: "${entry}" is not declared in this stack`);
    else checkReferences(json, target, at, problems);
  }
}

function checkMetaArguments(json: any, schema: Block, config: Record<string, any>, at: string, problems: string[]): void {
  checkTargets(json, config.depends_on, `${at}.depends_on`, problems, false);
  if (config.provider !== undefined) {
    const [name, alias] = String(config.provider).split(".");
    const configured = [json.provider?.[name] ?? []].flat().some((entry: any) => entry?.alias === alias);
    if (!configured) problems.push(`${at}.provider: no provider configuration "${config.provider}" in this stack`);
  }
  const lifecycle = config.lifecycle;
  if (lifecycle === undefined) return;
  if (!isObject(lifecycle)) return void problems.push(`${at}.lifecycle: expected a block`);
  for (const key of Object.keys(lifecycle)) if (!LIFECYCLE_ARGUMENTS.has(key)) problems.push(`${at}.lifecycle.${key}: no lifecycle argument is named "${key}"`);
  for (const key of ["create_before_destroy", "prevent_destroy"]) checkType("bool", lifecycle[key], `${at}.lifecycle.${key}`, problems);
  const ignore = lifecycle.ignore_changes;
  if (ignore !== undefined && ignore !== "all") {
    if (!Array.isArray(ignore)) problems.push(`${at}.lifecycle.ignore_changes: expected "all" or a list of attribute paths`);
    else for (const entry of ignore) {
      if (typeof entry !== "string" || (entry !== "all" && !pathExists(schema, entry))) {
        problems.push(`${at}.lifecycle.ignore_changes: "${entry}" is not an argument or block of ${at.split(".").slice(-2)[0]}`);
      }
    }
  }
  checkTargets(json, lifecycle.replace_triggered_by, `${at}.lifecycle.replace_triggered_by`, problems, true);
}

function checkEntries(json: any, kind: Kind, include: (type: string) => boolean, folder: (type: string) => string | undefined, problems: string[]): void {
  for (const [type, entries] of Object.entries<Record<string, any>>(json[SECTIONS[kind]] ?? {})) {
    if (!include(type)) continue;
    const label = kind === "resource" ? type : `${kind}.${type}`;
    const where = folder(type);
    const schema = kind === "resource" && BUILTIN[type] ? BUILTIN[type] : where && loadSchema(where, type, kind);
    if (!schema) {
      problems.push(`${label}: no vendored schema in test/fixtures/provider-schemas/${where ?? `<no provider for "${type}">`}${kind === "resource" ? "" : `/${kind}`}`);
      continue;
    }
    for (const [id, config] of Object.entries(entries)) {
      const at = `${label}.${id}`;
      // Ephemeral blocks may take ephemeral values themselves.
      checkBlock(schema, config, at, problems, true, kind === "ephemeral");
      checkMetaArguments(json, schema, config, at, problems);
      for (const [key, value] of Object.entries(config)) if (!META_ARGUMENTS.has(key) || key === "count" || key === "for_each") checkStrings(json, value, `${at}.${key}`, problems);
    }
  }
}

/**
 * Problems of every resource and ephemeral block of the given provider prefix ("google_") in a synthesized stack,
 * one line each ("google_compute_url_map.lb_x.host_rule[0].hostz: no argument …"); empty when valid.
 */
export function schemaProblems(json: any, provider = "google-6.50.0", prefix = "google_"): string[] {
  const problems: string[] = [];
  for (const kind of ["resource", "data", "ephemeral"] as const) checkEntries(json, kind, (type) => type.startsWith(prefix), () => provider, problems);
  return problems;
}

/**
 * Problems of a whole synthesized stack, every provider: its resources, data sources and ephemeral blocks, its
 * provider blocks (against `<provider>/provider.json`), and the templates and references of outputs and locals.
 */
export function stackProblems(json: any): string[] {
  const problems: string[] = [];
  for (const kind of ["resource", "data", "ephemeral"] as const) checkEntries(json, kind, () => true, folderOf, problems);
  for (const [name, configs] of Object.entries<any>(json.provider ?? {})) {
    const folder = PROVIDER_FOLDERS[name];
    const schema = folder && loadSchema(folder, name, "provider");
    if (!schema) problems.push(`provider.${name}: no vendored provider schema in test/fixtures/provider-schemas`);
    else [configs].flat().forEach((config: Record<string, unknown>, index: number) => {
      const rest = Object.fromEntries(Object.entries(config).filter(([key]) => key !== "alias"));
      checkBlock(schema, rest, `provider.${name}[${index}]`, problems, false);
      checkStrings(json, rest, `provider.${name}[${index}]`, problems);
    });
  }
  for (const section of ["output", "locals"]) checkStrings(json, json[section], section, problems);
  return problems;
}
