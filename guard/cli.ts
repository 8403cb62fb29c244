/**
 * `npm run guard -- <plan.json>… [--allow <entry>]… [--config <env.yaml>]…`
 *
 * Exit code 0: no stateful resource would be deleted or replaced (or every such change is
 * allowed); 1: at least one would be and nothing allows it; 2: usage or input error (the
 * message names the file and the problem). Input errors win over violations: a plan that
 * could not be read was not checked.
 */
import { parseDocument } from "yaml";
import { CliIo, EXIT_BAD_INPUT, firstLine, InputError, parseCommandLine, processIo, readText } from "../lib/cli-io";
import { readPlanFile } from "../plan/plan-json";
import { allowEntryProblem, AllowEntryError, formatGuardResult, guardPlan } from "./plan-guard";

export const USAGE = [
  "usage: npm run guard -- <plan.json>... [--allow <address|type|prefix*>]... [--config <env.yaml>]...",
  "  <plan.json>  output of `terraform show -json <planfile>`",
  "  --allow      let this address (aws_db_instance.db), type (aws_db_instance) or prefix (module.data.*) be deleted or replaced",
  "  --config     also allow the environment file's dataProtection.allowDestroy[].resource entries",
  "Allow entries apply to every plan file given: check one environment per run.",
  "Exit code: 0 nothing stateful is deleted or replaced unless allowed, 1 something is, 2 usage or input error.",
].join("\n");

interface AllowEntry {
  resource: string;
  reason: string;
}

/** Runs the guard on command-line arguments (without `node` and the script) and returns the exit code. */
export function runGuard(argv: string[], io: CliIo = processIo): number {
  const args = parseCommandLine("guard", USAGE, io, {
    args: argv,
    options: {
      allow: { type: "string", multiple: true, short: "a" },
      config: { type: "string", multiple: true, short: "c" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (typeof args === "number") return args;
  if (args.positionals.length === 0) {
    io.stderr(`guard: no plan file given\n${USAGE}`);
    return EXIT_BAD_INPUT;
  }

  const allow: string[] = [];
  const reasons: Record<string, string> = {};
  try {
    for (const entry of args.values.allow ?? []) {
      const problem = allowEntryProblem(entry);
      if (problem !== undefined) throw new InputError(`guard: --allow ${problem}`);
      allow.push(entry);
    }
    for (const configFile of args.values.config ?? []) {
      for (const { resource, reason } of allowListOf(configFile)) {
        if (!allow.includes(resource)) allow.push(resource);
        reasons[resource] ??= reason;
      }
    }
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stderr(error.message);
    return EXIT_BAD_INPUT;
  }

  let violations = 0;
  let inputErrors = 0;
  for (const planFile of args.positionals) {
    try {
      const result = guardPlan(readPlanFile(planFile), { allow });
      violations += result.violations.length;
      io.stdout(formatGuardResult(result, planFile, reasons));
    } catch (error) {
      if (error instanceof InputError) io.stderr(error.message);
      else if (error instanceof AllowEntryError) io.stderr(`${planFile}: ${error.message}`);
      else throw error;
      inputErrors += 1;
    }
  }
  if (inputErrors > 0) return EXIT_BAD_INPUT;
  if (violations > 0) {
    io.stdout(`guard: ${violations} stateful resource(s) would be deleted or replaced and nothing allows it; refusing`);
    return 1;
  }
  return 0;
}

/** dataProtection.allowDestroy of an environment file, read on its own (no schema, no cdktf). */
function allowListOf(file: string): AllowEntry[] {
  const document = parseDocument(readText(file));
  if (document.errors.length > 0) {
    throw new InputError(`${file}: not valid YAML (${firstLine(document.errors[0])})`);
  }
  const content = document.toJS();
  if (content === null || typeof content !== "object" || Array.isArray(content)) {
    throw new InputError(`${file}: not an environment file (expected a mapping with project, stage, …)`);
  }
  const dataProtection = content.dataProtection;
  if (dataProtection === undefined || dataProtection === null) return [];
  if (typeof dataProtection !== "object" || Array.isArray(dataProtection)) {
    throw new InputError(`${file}: dataProtection: expected a mapping (allowDestroy: [{ resource, reason }])`);
  }
  const list = dataProtection.allowDestroy ?? [];
  if (!Array.isArray(list)) {
    throw new InputError(`${file}: dataProtection.allowDestroy: expected a list of { resource, reason }`);
  }
  return list.map((item: any, index: number) => {
    const at = `${file}: dataProtection.allowDestroy[${index}]`;
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      throw new InputError(`${at}: expected { resource, reason }`);
    }
    if (item.resource === undefined) {
      throw new InputError(`${at}.resource: missing (an address, a resource type, or a prefix ending in *)`);
    }
    const problem = allowEntryProblem(item.resource);
    if (problem !== undefined) throw new InputError(`${at}.resource: ${problem}`);
    if (typeof item.reason !== "string" || item.reason.trim() === "") {
      throw new InputError(`${at}.reason: missing (write down why this data may be destroyed)`);
    }
    return { resource: item.resource, reason: item.reason.trim() };
  });
}

if (require.main === module) {
  try {
    process.exitCode = runGuard(process.argv.slice(2));
  } catch (error) {
    // A bug, not an input problem: still one line, still a failing exit code.
    process.stderr.write(`guard: internal error: ${firstLine(error)}\n`);
    process.exitCode = 2;
  }
}
