/**
 * `npm run dns-records -- <stack id> [--state <file>] [--domain <apex>]`
 *
 * Prints the DNS records to create at an external DNS provider for a deployed (or deploying)
 * stack, one per line: name, type, value. Run it in a second terminal while `cdktf deploy` waits
 * for the certificate. It reads `terraform -chdir=cdktf.out/stacks/<id> state pull`, which takes
 * no lock. The local backend writes every state change to its file at once; S3 and GCS receive a
 * snapshot when a change arrives 20 s or more after the last one (Terraform ≥ 1.5), so a record
 * may show up only after the next resource finishes, at the latest when the apply ends.
 *
 * Exit code 0: printed (possibly nothing yet, with a note); 2: usage or input error.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CliIo, EXIT_BAD_INPUT, firstLine, InputError, parseCommandLine, processIo, readText } from "../lib/cli-io";
import { dnsRecordsFromState, formatDnsRecords } from "./records";

export const USAGE = [
  "usage: npm run dns-records -- <stack id> [--state <file>] [--domain <apex>]",
  "  <stack id>  a synthesized stack, e.g. aws-dev (its state is read with terraform state pull)",
  "  --state     read this state file (terraform state pull > file) instead",
  "  --domain    the domain's apex, which cannot be a CNAME (default: a zone in the state, else any two-label name)",
  "Prints one record per line: name, type, value. Exit code: 0 printed, 2 usage or input error.",
].join("\n");

const STACKS_DIR = path.join("cdktf.out", "stacks");
const STACK_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Returns the state JSON text of a stack; throws InputError with one line when it cannot. */
export type StatePuller = (stackDir: string) => string;

export const terraformStatePull: StatePuller = (stackDir) => {
  try {
    return execFileSync("terraform", [`-chdir=${stackDir}`, "state", "pull"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 512 * 1024 * 1024,
      env: process.env,
    });
  } catch (error: any) {
    if (error?.code === "ENOENT") throw new InputError("terraform not found on PATH (see README, Prerequisites)");
    // Terraform frames its diagnostics with box-drawing characters, and warnings (a missing
    // ~/.terraformrc) may come first: the first error line says it.
    const lines = String(error?.stderr ?? "")
      .split("\n")
      .map((line) => line.replace(/^[\s│╷╵]+/, "").trim())
      .filter((line) => line.length > 0);
    const reason = lines.find((line) => line.startsWith("Error:")) ?? lines[0];
    throw new InputError(`terraform state pull failed in ${stackDir}: ${reason ?? firstLine(error)}`);
  }
};

/** Runs the command on its arguments (without `node` and the script) and returns the exit code. */
export function runDnsRecords(argv: string[], io: CliIo = processIo, pull: StatePuller = terraformStatePull): number {
  const args = parseCommandLine("dns-records", USAGE, io, {
    args: argv,
    options: {
      state: { type: "string" },
      domain: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (typeof args === "number") return args;
  const { state: stateFile, domain } = args.values;
  if (stateFile === undefined ? args.positionals.length !== 1 : args.positionals.length > 1) {
    io.stderr(`dns-records: ${args.positionals.length === 0 ? "no stack id given" : "one stack id at a time"}\n${USAGE}`);
    return EXIT_BAD_INPUT;
  }
  const [stackId] = args.positionals;

  let source = stateFile ?? stackId;
  try {
    let text: string;
    if (stateFile !== undefined) {
      text = readText(stateFile);
    } else {
      if (!STACK_ID.test(stackId)) throw new InputError(`dns-records: "${stackId}" is not a stack id (e.g. aws-dev)`);
      const stackDir = path.join(STACKS_DIR, stackId);
      if (!fs.existsSync(stackDir)) throw new InputError(`dns-records: ${stackDir}: not found (${synthesizedStacks()})`);
      source = stackDir;
      text = pull(stackDir);
      if (text.trim() === "") throw new InputError(`dns-records: ${stackId}: no state yet (the stack has not been deployed)`);
    }
    let state: unknown;
    try {
      state = JSON.parse(text);
    } catch {
      // The local backend rewrites its file in place; a read can meet it half-written.
      throw new InputError(`${source}: not JSON (if a deploy is writing it, run again)`);
    }
    let lines: string[];
    try {
      lines = formatDnsRecords(dnsRecordsFromState(state, { apex: domain }));
    } catch (error) {
      if (error instanceof InputError) throw new InputError(`${source}: ${error.message}`);
      throw error;
    }
    for (const line of lines) io.stdout(line);
    return 0;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stderr(error.message);
    return EXIT_BAD_INPUT;
  }
}

function synthesizedStacks(): string {
  const stacks = fs.existsSync(STACKS_DIR) ? fs.readdirSync(STACKS_DIR).sort() : [];
  return stacks.length > 0 ? `synthesized stacks: ${stacks.join(", ")}` : "run npm run synth first";
}

if (require.main === module) {
  try {
    process.exitCode = runDnsRecords(process.argv.slice(2));
  } catch (error) {
    // A bug, not an input problem: still one line, still a failing exit code.
    process.stderr.write(`dns-records: internal error: ${firstLine(error)}\n`);
    process.exitCode = 2;
  }
}
