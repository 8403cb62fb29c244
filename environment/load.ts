/**
 * Reads every environment file of a directory, checks it against the schema and the
 * cross-field rules, and returns validated specs — or one ConfigError listing every problem
 * of every file, one line each: `<file>: <field.path>: <what is wrong> (<what is allowed>)`.
 */
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { ConfigError } from "../lib/errors";
import { EnvironmentSpec, environmentSchema } from "./schema";
import { deprecationNotices } from "./parity";
import { Problem, validateEnvironment } from "./validate";

const ENVIRONMENT_FILE = /\.ya?ml$/;

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
    const result = parseEnvironment(name, file, fs.readFileSync(file, "utf8"));
    if ("problems" in result) lines.push(...result.problems.map((problem) => `${file}: ${problem.path}: ${problem.message}`));
    else environments.push(result.environment);
  }
  if (lines.length > 0) throw new ConfigError(lines);
  return environments;
}

/** Parses one file's text; `file` is only used to label the result. */
export function parseEnvironment(
  name: string,
  file: string,
  text: string,
): { environment: EnvironmentSpec } | { problems: Problem[] } {
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      problems: document.errors.map((error) => ({
        path: `line ${error.linePos?.[0].line ?? "?"}`,
        message: `invalid YAML: ${error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`,
      })),
    };
  }
  const content = document.toJS() ?? {};
  const parsed = environmentSchema.safeParse(content);
  if (!parsed.success) {
    // Report the cross-field problems too, so one run lists everything wrong with the file.
    const shapeProblems = parsed.error.issues.flatMap(describeIssue);
    const seen = new Set(shapeProblems.map((problem) => problem.path));
    const crossField = validateEnvironment(name, content).filter((problem) => !seen.has(problem.path));
    return { problems: [...shapeProblems, ...crossField] };
  }
  const problems = validateEnvironment(name, parsed.data);
  if (problems.length > 0) return { problems };
  return { environment: { ...parsed.data, name, file, notices: deprecationNotices(parsed.data) } };
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
  if (issue.code === "invalid_union" && issue.path.includes("backend")) {
    const remote = issue.path[0] === "gcp" ? "{type: gcs, bucket: …}" : "{type: s3, bucket: …}";
    return [{ path: at(issue.path), message: `must be {type: local} or ${remote}` }];
  }
  return [{ path: at(issue.path), message: issue.message.replace(/^Invalid input: /, "") }];
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
