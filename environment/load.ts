/**
 * Reads every environment file of a directory, checks it against the schema and the
 * cross-field rules, and returns validated specs — or one ConfigError listing every problem
 * of every file, one line each: `<file>: <field.path>: <what is wrong> (<what is allowed>)`.
 */
import * as fs from "fs";
import * as path from "path";
import { Document, isScalar, parseDocument } from "yaml";
import { z } from "zod";
import { ConfigError } from "../lib/errors";
import { EnvironmentFile, EnvironmentSpec, environmentSchema } from "./schema";
import { deprecationNotices } from "./parity";
import { Problem, validateEnvironment } from "./validate";
import { checkAcrossFiles } from "./validate-across";

const ENVIRONMENT_FILE = /\.ya?ml$/;
/** Aliases one file may expand: enough for real reuse, far too few for a "billion laughs" bomb. */
export const MAX_ALIAS_COUNT = 100;
/** A value quoted in a message keeps this many characters (then "…"). */
const VALUE_CHARS = 40;
/** A problem's `<field.path>: <what> (<allowed>)` part never exceeds this many characters. */
const MESSAGE_CHARS = 200;

/** Loads `<dir>/*.yaml|yml`, sorted by name. Throws ConfigError when anything is wrong. */
export function loadEnvironments(dir: string): EnvironmentSpec[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new ConfigError([`${dir}: configuration directory not found (set INFRA_CONFIG_DIR or create config/)`]);
  }
  const files = fs
    .readdirSync(dir)
    .filter((file) => ENVIRONMENT_FILE.test(file))
    .sort()
    .map((file) => path.join(dir, file));
  if (files.length === 0) {
    throw new ConfigError([`${dir}: no environment files (*.yaml) found`]);
  }

  const lines: string[] = [];
  const environments: EnvironmentSpec[] = [];
  const environmentFile = new Map<string, string>();
  for (const file of files) {
    const name = path.basename(file).replace(ENVIRONMENT_FILE, "");
    const clash = environmentFile.get(name);
    if (clash) {
      lines.push(`${file}: (file name): environment "${name}" is also defined by ${clash} (keep one of them)`);
      continue;
    }
    environmentFile.set(name, file);
    const read = readEnvironmentFile(file);
    const result = "text" in read ? parseEnvironment(name, file, read.text) : read;
    if ("problems" in result) lines.push(...result.problems.map((problem) => `${file}: ${problem.path}: ${problem.message}`));
    else environments.push(result.environment);
  }
  // Problems between files (shared state, shared resource names), among the files that parsed.
  lines.push(...checkAcrossFiles(environments));
  if (lines.length > 0) throw new ConfigError(lines);
  return environments;
}

/** Parses one file's text; `file` is only used to label the result. */
export function parseEnvironment(
  name: string,
  file: string,
  text: string,
): { environment: EnvironmentSpec } | { problems: Problem[] } {
  const result = parseContent(name, file, text);
  return "problems" in result ? { problems: result.problems.map(clipProblem) } : result;
}

function parseContent(name: string, file: string, text: string): { environment: EnvironmentSpec } | { problems: Problem[] } {
  const document = parseDocument(text, { uniqueKeys: true });
  // Warnings count as errors: an unresolved tag (`!custom`, `!!python/object:…`) would otherwise
  // be read silently as a plain string.
  const yamlProblems = [...document.errors, ...document.warnings].map((error) => ({
    path: `line ${error.linePos?.[0].line ?? "?"}`,
    message:
      error.code === "TAG_RESOLVE_FAILED"
        ? `unknown tag ${clipValue(text.slice(error.pos[0], error.pos[1]))} (plain YAML only: remove the tag)`
        : `invalid YAML: ${error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`,
  }));
  if (yamlProblems.length > 0) return { problems: yamlProblems };
  let content: unknown;
  try {
    content = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    // yaml throws a ReferenceError once expanding aliases passes maxAliasCount.
    if (!(error instanceof ReferenceError)) throw error;
    return fileProblem("(file)", `expands too many YAML aliases (at most ${MAX_ALIAS_COUNT}; write the values out)`);
  }
  const versionHint = numericVersionHint(document);
  const hinted = (problems: Problem[]) =>
    versionHint ? [versionHint, ...problems.filter((problem) => problem.path !== versionHint.path)] : problems;
  // reportInput: zod 4 leaves `input` out of issues unless asked, and without it a wrong-typed
  // value could not be told from a missing one.
  const parsed = environmentSchema.safeParse(content, { reportInput: true });
  if (!parsed.success) {
    // Report the cross-field problems too, so one run lists everything wrong with the file.
    const shapeProblems = parsed.error.issues.flatMap(describeIssue);
    const seen = new Set(shapeProblems.map((problem) => problem.path));
    const crossField = validateEnvironment(name, content as EnvironmentFile).filter((problem) => !seen.has(problem.path));
    return { problems: hinted([...shapeProblems, ...crossField]) };
  }
  const problems = hinted(validateEnvironment(name, parsed.data));
  if (problems.length > 0) return { problems };
  return { environment: { ...parsed.data, name, file, notices: deprecationNotices(parsed.data) } };
}

/**
 * Reads a file as strict UTF-8. A directory or unreadable file, or bytes that are not UTF-8,
 * give one problem naming the path (and the byte offset) instead of an exception.
 */
export function readEnvironmentFile(file: string): { text: string } | { problems: Problem[] } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EISDIR") return fileProblem("(file)", "is a directory, not an environment file (rename or remove it)");
    if (typeof code !== "string") throw error;
    return fileProblem("(file)", `cannot be read: ${code} (make it a readable file)`);
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8Byte(bytes);
    return fileProblem(
      `byte ${offset}`,
      `is not UTF-8 (0x${bytes[offset].toString(16).padStart(2, "0")}) (save the file as UTF-8)`,
    );
  }
}

const fileProblem = (path: string, message: string) => ({ problems: [{ path, message }] });

/**
 * Lead bytes `[from, to, sequence length, lowest second byte, highest second byte]` (RFC 3629,
 * table 3-7 of the Unicode standard): no overlongs, surrogates or code points above U+10FFFF.
 */
const UTF8_LEADS: readonly (readonly number[])[] = [
  [0x00, 0x7f, 1, 0, 0],
  [0xc2, 0xdf, 2, 0x80, 0xbf],
  [0xe0, 0xe0, 3, 0xa0, 0xbf],
  [0xe1, 0xec, 3, 0x80, 0xbf],
  [0xed, 0xed, 3, 0x80, 0x9f],
  [0xee, 0xef, 3, 0x80, 0xbf],
  [0xf0, 0xf0, 4, 0x90, 0xbf],
  [0xf1, 0xf3, 4, 0x80, 0xbf],
  [0xf4, 0xf4, 4, 0x80, 0x8f],
];

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index];
    const [length, low, high] = UTF8_LEADS.find(([from, to]) => lead >= from && lead <= to)?.slice(2) ?? [0, 0, 0];
    if (length === 0) return index;
    for (let next = 1; next < length; next++) {
      const byte = bytes[index + next];
      const [min, max] = next === 1 ? [low, high] : [0x80, 0xbf];
      if (byte === undefined || byte < min || byte > max) return index;
    }
    index += length;
  }
  return bytes.length;
}

/** `version: 8.0` unquoted is the number 8: say so, with the quoted text to write instead. */
function numericVersionHint(document: Document): Problem | undefined {
  const node = document.getIn(["database", "version"], true);
  if (!isScalar(node) || typeof node.value !== "number" || node.source === undefined) return undefined;
  if (node.source === String(node.value)) return undefined;
  return { path: "database.version", message: `${String(node.value)} was read as a number; quote it: ${clipValue(node.source)}` };
}

function describeIssue(issue: z.core.$ZodIssue): Problem[] {
  const at = (segments: PropertyKey[]) => formatPath(segments) || "(top level)";
  if (issue.code === "unrecognized_keys") {
    const allowed = allowedKeysAt(issue.path);
    return issue.keys.map((key) => ({
      path: at([...issue.path, key]),
      message: `unknown field${allowed ? ` (allowed here: ${allowed.join(", ")})` : ""}`,
    }));
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return [{ path: at(issue.path), message: `is required (expected ${issue.expected})` }];
  }
  if (issue.code === "invalid_type") {
    const expected = EXPECTED[issue.expected] ?? issue.expected;
    return [{ path: at(issue.path), message: `${describeValue(issue.input)} (expected ${expected})` }];
  }
  if (issue.code === "invalid_union" && issue.path.includes("backend")) {
    const remote = issue.path[0] === "gcp" ? "{type: gcs, bucket: …}" : "{type: s3, bucket: …}";
    return [{ path: at(issue.path), message: `must be {type: local} or ${remote}` }];
  }
  return [{ path: at(issue.path), message: issue.message.replace(/^Invalid input: /, "") }];
}

const EXPECTED: Record<string, string> = {
  number: "a number",
  int: "an integer",
  string: "a string",
  boolean: "true or false",
  object: "a mapping",
  array: "a list",
};

/** `"3000" is a string`, `8 is a number`, `is a list`: what the file holds, values clipped. */
function describeValue(input: unknown): string {
  if (input === null) return "is empty";
  if (Array.isArray(input)) return "is a list";
  if (typeof input === "string") return `${clipValue(input)} is a string`;
  if (typeof input === "number" || typeof input === "boolean") return `${String(input)} is a ${typeof input}`;
  return typeof input === "object" ? "is a mapping" : `is a ${typeof input}`;
}

/** A value as quoted in a message: JSON-quoted, at most VALUE_CHARS characters of it. */
export function clipValue(value: string): string {
  return value.length > VALUE_CHARS ? `${JSON.stringify(value.slice(0, VALUE_CHARS)).slice(0, -1)}…"` : JSON.stringify(value);
}

/**
 * Keeps a problem line short whatever the file holds (a 5 MB value must not make megabytes of
 * errors): long unbroken words are cut, then the line itself.
 */
function clipProblem(problem: Problem): Problem {
  const clip = (text: string, limit: number) => {
    const short = text.replace(/[^\s"]{61,}/g, (word) => `${word.slice(0, VALUE_CHARS)}…`);
    return short.length > limit ? `${short.slice(0, limit - 1)}…` : short;
  };
  const path = clip(problem.path, MESSAGE_CHARS / 2);
  return {
    path,
    message: clip(problem.message, MESSAGE_CHARS - path.length - 2),
  };
}

/** `services[0].healthCheck.path` from ["services", 0, "healthCheck", "path"]. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((segment, index) => (typeof segment === "number" ? `[${segment}]` : `${index === 0 ? "" : "."}${String(segment)}`))
    .join("");
}

/** Field names the schema accepts at a path, for "did you mean" style hints on typos. */
function allowedKeysAt(segments: readonly PropertyKey[]): string[] | undefined {
  let schema: any = environmentSchema;
  for (const segment of [...segments, undefined]) {
    // Unwrap optional/default/pipe wrappers down to the object or array underneath.
    while (schema && !schema.shape && !schema.element) {
      const inner = schema.unwrap?.() ?? schema.def?.innerType ?? schema.def?.in;
      if (!inner || inner === schema) break;
      schema = inner;
    }
    if (segment === undefined) break;
    schema = typeof segment === "number" ? schema?.element : schema?.shape?.[segment];
  }
  return schema?.shape ? Object.keys(schema.shape) : undefined;
}
