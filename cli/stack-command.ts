/**
 * `npm run diff|deploy|destroy -- <stack|environment> [cdktf options]`: the laptop paths.
 *
 *   npm run diff -- aws-dev                  # terraform plan of one stack
 *   npm run diff -- dev                      # of every stack of the environment (aws-dev, gcp-dev)
 *   npm run deploy -- aws-prod --auto-approve
 *   npm run destroy -- dev
 *
 * Before cdktf runs anything: Terraform is on PATH and new enough for the stacks
 * (cli/terraform.ts; cdktf would say `execvp(3) failed`), the code type-checks and the stacks
 * synthesize (cli/synth.ts, the `npm run synth` path), and the name is a stack or an
 * environment of the synthesized manifest. Then `cdktf <command> <stack> --skip-synth` once per
 * stack (cdktf diff takes one stack), with checkpoints off and the options after the name passed
 * on as given: nothing is approved on the user's behalf (deploy and destroy still ask, unless
 * the user passes --auto-approve). Each problem is one line.
 *
 * Exit codes: 0 done; 1 synthesis failed (printed by it) or a cdktf command failed (its own exit
 * code); 2 bad usage or an unknown name; 3 Terraform missing or too old.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { CliIo, EXIT_BAD_INPUT, firstLine, processIo } from "../lib/cli-io";
import { checkTerraform } from "./terraform";
import { resolveStacks, stackLines } from "./stacks";
import { defaultOutdir, ROOT, synthesize } from "./synth";

export const COMMANDS = ["diff", "deploy", "destroy"] as const;
export type StackCommand = (typeof COMMANDS)[number];

/** Terraform is missing or too old: nothing was run. */
export const EXIT_NO_TERRAFORM = 3;

export interface ParsedCommand {
  readonly command: StackCommand;
  readonly name: string;
  /** Everything after the name, for cdktf. */
  readonly passThrough: string[];
}

function usage(command: string): string {
  return `usage: npm run ${command} -- <stack|environment> [cdktf ${command} options]   e.g. npm run ${command} -- aws-dev, npm run ${command} -- dev`;
}

/** argv is [command, name, ...options]; the name comes first so an option's value is never taken for it. */
export function parseStackCommand(argv: readonly string[]): ParsedCommand | { problem: string; help?: boolean } {
  const [command, name, ...passThrough] = argv;
  if (!COMMANDS.includes(command as StackCommand)) return { problem: `the command must be one of ${COMMANDS.join(", ")}, not '${command ?? ""}'` };
  if (name === "--help" || name === "-h") return { problem: usage(command), help: true };
  if (name === undefined || name.startsWith("-")) return { problem: `name a stack or an environment first\n${usage(command)}` };
  return { command: command as StackCommand, name, passThrough };
}

/** How each stack's cdktf command runs; tests replace it so no real deploy can start. */
export type RunCdktf = (args: string[], env: NodeJS.ProcessEnv) => number;

const runCdktfForReal: RunCdktf = (args, env) => {
  // The project's own cdktf-cli, not whatever `cdktf` is first on PATH.
  const result = spawnSync(path.join(ROOT, "node_modules", ".bin", "cdktf"), args, { cwd: ROOT, env, stdio: "inherit" });
  if (result.error) {
    process.stderr.write(`could not run cdktf: ${firstLine(result.error)} (run npm ci first)\n`);
    return 1;
  }
  return result.status ?? 1;
};

export function runStackCommand(argv: readonly string[], io: CliIo = processIo, env: NodeJS.ProcessEnv = process.env, runCdktf = runCdktfForReal): number {
  const parsed = parseStackCommand(argv);
  if ("problem" in parsed) {
    (parsed.help ? io.stdout : io.stderr)(parsed.problem);
    return parsed.help ? 0 : EXIT_BAD_INPUT;
  }
  const { command, name, passThrough } = parsed;
  const childEnv = { ...env, CHECKPOINT_DISABLE: "1" };

  const terraform = checkTerraform(childEnv);
  if (!terraform.ok) {
    io.stderr(`${command}: ${terraform.problem}`);
    return EXIT_NO_TERRAFORM;
  }

  const outdir = defaultOutdir();
  const synth = synthesize({ outdir, env: childEnv, io });
  if (synth.stacks === undefined) return synth.status;
  const resolved = resolveStacks(name, synth.stacks.map((stack) => stack.id));
  if ("problem" in resolved) {
    io.stderr(`${command}: ${resolved.problem}`);
    return EXIT_BAD_INPUT;
  }
  for (const line of stackLines(synth.stacks.filter((stack) => resolved.stacks.includes(stack.id)))) io.stdout(line);
  return runOnStacks({ command, stacks: resolved.stacks, passThrough, outdir, terraformVersion: terraform.version }, io, childEnv, runCdktf);
}

/**
 * `cdktf <command> <stack> --skip-synth` for each stack (synthesis just ran: cdktf would run the
 * app again and print its problems a second time). diff shows every stack even when one fails;
 * deploy and destroy stop at the first failure, so an environment is never taken further than
 * the user saw. Returns the first failing exit code, or 0.
 */
export function runOnStacks(
  run: { command: StackCommand; stacks: readonly string[]; passThrough: readonly string[]; outdir: string; terraformVersion: string },
  io: CliIo,
  env: NodeJS.ProcessEnv,
  runCdktf: RunCdktf,
): number {
  const { command, stacks } = run;
  let status = 0;
  for (const [index, stack] of stacks.entries()) {
    io.stdout(`${command} ${stack} (terraform ${run.terraformVersion})`);
    const code = runCdktf([command, stack, "--skip-synth", "--output", run.outdir, ...run.passThrough], env);
    if (code === 0) continue;
    status ||= code;
    io.stderr(`${command}: cdktf ${command} ${stack} exited ${code}`);
    const rest = stacks.slice(index + 1);
    if (command !== "diff" && rest.length > 0) {
      io.stderr(`${command}: not run for ${rest.join(", ")}`);
      break;
    }
  }
  return status;
}

if (require.main === module) {
  try {
    process.exitCode = runStackCommand(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`internal error, please report: ${firstLine(error)}\n`);
    process.exitCode = 1;
  }
}
