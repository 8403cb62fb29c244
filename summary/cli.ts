/**
 * `npm run summary -- <plan.json>…`: Markdown plan summary on stdout, one section per file.
 * The stack name is the file name up to its first dot (`aws-prod.plan.json` → aws-prod).
 * Exit 0, or 2 with one line per unreadable file.
 */
import * as path from "path";
import { NotAPlanError, destructiveChanges } from "../guard/plan-guard";
import { firstLine, InputError, readPlan } from "../guard/plan-file";
import { StackPlan, formatSummary } from "./plan-summary";

export function runSummary(files: string[], out: (text: string) => void, err: (text: string) => void): number {
  if (files.length === 0) {
    err("usage: npm run summary -- <plan.json>… (the output of terraform show -json <planfile>)");
    return 2;
  }
  const plans: StackPlan[] = [];
  let failed = false;
  for (const file of files) {
    try {
      const plan = readPlan(file);
      destructiveChanges(plan); // rejects JSON that is not a plan, before anything is printed
      plans.push({ stack: path.basename(file).split(".")[0], plan });
    } catch (error) {
      if (error instanceof InputError) err(error.message);
      else if (error instanceof NotAPlanError) err(`${file}: ${firstLine(error)}`);
      else throw error;
      failed = true;
    }
  }
  if (failed) return 2;
  out(formatSummary(plans));
  return 0;
}

if (require.main === module) {
  process.exitCode = runSummary(
    process.argv.slice(2),
    (text) => process.stdout.write(`${text}\n`),
    (text) => process.stderr.write(`${text}\n`),
  );
}
