/**
 * `npm run summary -- <plan.json>…`: Markdown plan summary on stdout, one section per file.
 * The stack name is the file name up to its first dot (`aws-prod.plan.json` → aws-prod).
 * Exit 0, or 2 with one line per unreadable file.
 */
import * as path from "path";
import { CliIo, EXIT_BAD_INPUT, InputError, processIo } from "../lib/cli-io";
import { readPlanFile } from "../plan/plan-json";
import { StackPlan, formatSummary } from "./plan-summary";

export function runSummary(files: string[], io: CliIo = processIo): number {
  if (files.length === 0) {
    io.stderr("usage: npm run summary -- <plan.json>… (the output of terraform show -json <planfile>)");
    return EXIT_BAD_INPUT;
  }
  const plans: StackPlan[] = [];
  let failed = false;
  // Every file is read before anything is printed: a half-printed summary would read as complete.
  for (const file of files) {
    try {
      plans.push({ stack: path.basename(file).split(".")[0], plan: readPlanFile(file) });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      io.stderr(error.message);
      failed = true;
    }
  }
  if (failed) return EXIT_BAD_INPUT;
  io.stdout(formatSummary(plans));
  return 0;
}

if (require.main === module) {
  process.exitCode = runSummary(process.argv.slice(2));
}
