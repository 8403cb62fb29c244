/**
 * `npm run summary -- [--commit <sha>] [--run-url <url>] <input>…`: the pull-request comment on
 * stdout, one `<details>` section per stack. Inputs are plan JSON (`terraform show -json`; the stack
 * is the file name up to its first dot, `aws-prod.plan.json` → aws-prod) or section files
 * (`*.section.json`), in any mix.
 *
 * `--section-out <stack>.section.json <stack>.plan.json` writes one stack's section instead, and
 * `--failed <stack> --log <file> [--section-out <file>]` makes the section of a stack whose plan
 * failed (the end of its log); CI jobs run these in parallel and the last job combines the files.
 *
 * Exit 0, or 2 with one line per unreadable input (nothing printed or written then).
 */
import { CliIo, EXIT_BAD_INPUT, InputError, firstLine, parseCommandLine, processIo, readText } from "../lib/cli-io";
import { readPlanFile } from "../plan/plan-json";
import { renderComment } from "./comment";
import { failedSection, sectionFromPlan } from "./plan-summary";
import { StackSection, isSectionFile, readSectionFile, stackOfFile, writeSectionFile } from "./section";

export const USAGE = [
  "usage: npm run summary -- [--commit <sha>] [--run-url <url>] <input>...",
  "       npm run summary -- --section-out <stack>.section.json <stack>.plan.json",
  "       npm run summary -- --failed <stack> --log <file> [--section-out <stack>.section.json]",
  "  <input>        <stack>.plan.json (output of `terraform show -json <planfile>`) or <stack>.section.json (from --section-out)",
  "  --commit       commit the plans are of, shown short in the header",
  "  --run-url      link to the workflow run, where the full plans are",
  "  --section-out  write the one stack's section (counts, cost, Markdown; no sensitive values) to this file instead of printing",
  "  --failed       a stack whose plan failed; --log is its log (the last 40 lines are shown)",
  "Exit code: 0 written, 2 usage or input error.",
].join("\n");

export function runSummary(argv: string[], io: CliIo = processIo): number {
  const args = parseCommandLine("summary", USAGE, io, {
    args: argv,
    options: {
      commit: { type: "string" },
      "run-url": { type: "string" },
      "section-out": { type: "string" },
      failed: { type: "string" },
      log: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (typeof args === "number") return args;
  const { values, positionals } = args;
  const usage = (problem: string) => {
    io.stderr(`summary: ${problem}\n${USAGE}`);
    return EXIT_BAD_INPUT;
  };
  if (positionals.length === 0 && values.failed === undefined) return usage("no plan or section file given");
  if ((values.failed === undefined) !== (values.log === undefined)) return usage("--failed and --log go together");
  if (values.failed !== undefined && !/^[\w.-]+$/.test(values.failed)) return usage(`--failed ${JSON.stringify(values.failed)} is not a stack name`);
  if (values["section-out"] !== undefined && positionals.length + (values.failed === undefined ? 0 : 1) !== 1) {
    return usage("--section-out writes one stack's section: give exactly one plan file, or --failed");
  }

  const sections: StackSection[] = [];
  let failed = false;
  // Every input is read before anything is printed: a half-printed summary would read as complete.
  for (const file of positionals) {
    try {
      sections.push(isSectionFile(file) ? readSectionFile(file) : sectionFromPlan(stackOfFile(file), readPlanFile(file)));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      io.stderr(error.message);
      failed = true;
    }
  }
  if (values.failed !== undefined) sections.push(failedSection(values.failed, readLog(values.log!, io)));
  const seen = new Set<string>();
  for (const { stack } of sections) {
    if (seen.has(stack)) {
      io.stderr(`summary: stack ${stack} is given twice`);
      failed = true;
    }
    seen.add(stack);
  }
  if (failed) return EXIT_BAD_INPUT;

  if (values["section-out"] !== undefined) {
    try {
      writeSectionFile(values["section-out"], sections[0]);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      io.stderr(error.message);
      return EXIT_BAD_INPUT;
    }
    return 0;
  }
  io.stdout(renderComment(sections, { commit: values.commit, runUrl: values["run-url"] }));
  return 0;
}

/**
 * The failed plan's log. A missing log still yields the section (the stack failed either way), with
 * a warning: the comment must say a stack failed even when its job died before writing a log.
 */
function readLog(file: string, io: CliIo): { text: string } | { problem: string } {
  try {
    return { text: readText(file) };
  } catch (error) {
    const problem = error instanceof InputError ? error.message : `${file}: ${firstLine(error)}`;
    io.stderr(`summary: warning: ${problem}`);
    return { problem: problem.replace(`${file}: `, "") };
  }
}

if (require.main === module) {
  try {
    process.exitCode = runSummary(process.argv.slice(2));
  } catch (error) {
    // A bug, not an input problem: still one line, still a failing exit code.
    process.stderr.write(`summary: internal error: ${firstLine(error)}\n`);
    process.exitCode = 2;
  }
}
