/**
 * `npm run guard -- <plan.json>… [--allow <entry>]… [--config <env.yaml>]…`
 *
 * Exit code 0: no stateful resource would be deleted, replaced or forgotten (or every such
 * change is allowed); 1: at least one would be and nothing allows it; 2: usage or input error
 * (the message names the file and the problem), including a plan that cannot be fully read
 * and an environment file the synth schema refuses. Input errors win over violations: a plan
 * that could not be read was not checked.
 */
import * as path from "path";
import { CliIo, EXIT_BAD_INPUT, firstLine, InputError, parseCommandLine, processIo, readText } from "../lib/cli-io";
import { readPlanFile } from "../plan/plan-json";
import { allowEntryProblem, AllowEntryError, formatGuardResult, guardPlan, isForget } from "./plan-guard";
import { counted } from "../lib/text";

export const USAGE = [
  "usage: npm run guard -- <plan.json>... [--allow <address|type|prefix*>]... [--config <env.yaml>]...",
  "  <plan.json>  output of `terraform show -json <planfile>`",
  "  --allow      let this address (aws_db_instance.db), type (aws_db_instance) or prefix (module.data.*) be deleted, replaced or forgotten",
  "  --config     also allow the environment file's dataProtection.allowDestroy[].resource entries (the file must pass the synth schema)",
  "Allow entries apply to every plan file given: check one environment per run.",
  "Exit code: 0 nothing stateful is deleted, replaced or forgotten unless allowed, 1 something is, 2 usage or input error.",
].join("\n");

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
  let forgotten = false;
  let inputErrors = 0;
  for (const planFile of args.positionals) {
    try {
      const result = guardPlan(readPlanFile(planFile), { allow });
      violations += result.violations.length;
      forgotten ||= result.violations.some((violation) => isForget(violation.action));
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
    const outcome = forgotten ? "deleted, replaced or forgotten" : "deleted or replaced";
    io.stdout(`guard: ${counted(violations, "stateful resource")} would be ${outcome} and nothing allows it; refusing`);
    return 1;
  }
  return 0;
}

/**
 * dataProtection.allowDestroy of an environment file, checked by the same schema and rules as
 * synth (environment/load.ts), so the guard never accepts a file synth refuses, e.g. a reason
 * too short to explain anything. Problems are reported like synth's, one line each.
 */
function allowListOf(file: string): { resource: string; reason: string }[] {
  const name = path.basename(file).replace(/\.ya?ml$/, "");
  const text = readText(file);
  // Loaded only with --config: a plain plan check stays as small and fast as the plan reader.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseEnvironment } = require("../environment/load") as typeof import("../environment/load");
  const result = parseEnvironment(name, file, text);
  if ("problems" in result) {
    throw new InputError(result.problems.map((problem) => `${file}: ${problem.path}: ${problem.message}`).join("\n"));
  }
  return result.environment.dataProtection.allowDestroy.map(({ resource, reason }, index) => {
    const problem = allowEntryProblem(resource);
    if (problem !== undefined) throw new InputError(`${file}: dataProtection.allowDestroy[${index}].resource: ${problem}`);
    return { resource, reason };
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
